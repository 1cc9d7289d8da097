package io.titlesgateway.titles;

import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;

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

    /** Readiness as a metric too, for alerts that need no kube-state-metrics: 1 ready, 0 not. */
    void measure(@Observes StartupEvent started, MeterRegistry registry) {
        Gauge.builder("titles.backend.ready", titles, service -> service.readiness().ready() ? 1 : 0)
                .description("1 when this replica can serve callers (what /q/health/ready says), else 0")
                .register(registry);
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("titles-backend");
        String backend = titles.serving().name().toLowerCase(Locale.ROOT);
        BackendReadiness readiness = titles.readiness();
        return response.status(readiness.ready()).withData("backend", backend).withData("reason", readiness.reason()).build();
    }
}
