package io.titlesgateway.lightcast;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.titlesgateway.config.LightcastConfig;

/**
 * Reports the normalize quota Lightcast said is left, and flags it when it runs low. Always UP: a
 * spent quota stops normalize calls, not the gateway, which still serves lookups and its cache.
 */
@Readiness
@ApplicationScoped
public class QuotaReadiness implements HealthCheck {

    @Inject
    LightcastMetrics metrics;

    @Inject
    LightcastConfig config;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("lightcast-quota").up();
        metrics.quotaRemaining().ifPresentOrElse(remaining -> {
            response.withData("normalizeQuotaRemaining", remaining);
            response.withData("quotaLow", remaining < config.quotaLowWatermark());
        }, () -> response.withData("normalizeQuotaRemaining", "unknown until the first normalize call"));
        return response.build();
    }
}
