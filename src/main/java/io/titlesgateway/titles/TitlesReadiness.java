package io.titlesgateway.titles;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the selected backend can serve; never calls the upstream, so probes cost no budget. */
@Readiness
@ApplicationScoped
public class TitlesReadiness implements HealthCheck {

    @Inject
    TitlesService titles;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("titles-backend");
        String backend = titles.serving().name().toLowerCase(Locale.ROOT);
        if (titles.isReady()) {
            return response.up().withData("backend", backend).build();
        }
        if (titles.serving() == TitlesService.Serving.NOTHING) {
            return response.down().withData("reason", NoBackend.DETAIL).build();
        }
        return response.down().withData("backend", backend).withData("reason", "the catalog is loading").build();
    }
}
