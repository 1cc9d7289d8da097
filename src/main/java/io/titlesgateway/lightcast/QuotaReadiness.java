package io.titlesgateway.lightcast;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * {@code lightcast-quota}, present while Lightcast serves: the normalize quota Lightcast said is
 * left, flagged once it runs low. Always UP: a spent quota makes normalize calls wait or fail, and
 * everything else still works, so it is no reason to take the replica out of service.
 */
final class QuotaReadiness implements HealthCheck {

    static final String NAME = "lightcast-quota";

    private final LightcastMetrics metrics;
    private final long lowWatermark;

    QuotaReadiness(LightcastMetrics metrics, long lowWatermark) {
        this.metrics = metrics;
        this.lowWatermark = lowWatermark;
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named(NAME).up();
        metrics.quotaRemaining().ifPresentOrElse(remaining -> {
            response.withData("normalizeQuotaRemaining", remaining);
            response.withData("quotaLow", remaining < lowWatermark);
        }, () -> response.withData("normalizeQuotaRemaining", "unknown until the first normalize call"));
        return response.build();
    }
}
