package io.titlesgateway.lightcast;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.titlesgateway.config.LightcastConfig;

/**
 * Reports the normalize quota Lightcast said is left, and flags it when it runs low, and how the
 * budget and the cache are kept (in process, shared on Redis, or degraded while Redis does not answer). Always UP:
 * a spent quota or a lost Redis slows normalize calls, not the gateway.
 */
@Readiness
@ApplicationScoped
public class QuotaReadiness implements HealthCheck {

    @Inject
    LightcastMetrics metrics;

    @Inject
    LightcastConfig config;

    @Inject
    SharedLedger ledger;

    @Inject
    SharedCache sharedCache;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("lightcast-quota").up();
        response.withData("budget", ledger.mode());
        response.withData("cache", sharedCache.mode());
        metrics.quotaRemaining().ifPresentOrElse(remaining -> {
            response.withData("normalizeQuotaRemaining", remaining);
            response.withData("quotaLow", remaining < config.quotaLowWatermark());
        }, () -> response.withData("normalizeQuotaRemaining", "unknown until the first normalize call"));
        return response.build();
    }
}
