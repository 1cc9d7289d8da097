package io.titlesgateway.titles;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when a backend is configured; never calls the upstream, so probes cost no budget. */
@Readiness
@ApplicationScoped
public class TitlesReadiness implements HealthCheck {

    @Inject
    TitlesService titles;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("titles-backend");
        if (titles.isConfigured()) {
            return response.up().withData("backend", "lightcast").build();
        }
        return response.down().withData("reason", NoBackend.DETAIL).build();
    }
}
