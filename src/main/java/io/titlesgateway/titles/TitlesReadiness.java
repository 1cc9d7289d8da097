package io.titlesgateway.titles;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the selected backend can serve. A probe never waits on, nor calls, the upstream
 * itself: Lightcast's health comes from a {@code /status} check made at most once per readiness interval.
 */
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
        return response.down().withData("backend", backend).withData("reason", titles.notReadyReason()).build();
    }
}
