package io.titlesgateway.titles;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready only when the selected backend can serve: the catalog is loaded; or Lightcast's latest
 * evidence says it answers (see {@code LightcastHealth}), or failing that the fallback catalog is
 * loaded. A probe never waits on, nor calls, the upstream itself.
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
        BackendReadiness readiness = titles.readiness();
        return response.status(readiness.ready()).withData("backend", backend).withData("reason", readiness.reason()).build();
    }
}
