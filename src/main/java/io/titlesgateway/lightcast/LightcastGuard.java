package io.titlesgateway.lightcast;

import java.time.temporal.ChronoUnit;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.smallrye.faulttolerance.api.Guard;
import io.smallrye.faulttolerance.api.RateLimitType;
import io.titlesgateway.config.LightcastConfig;

/**
 * The fault-tolerance guards shared by every Lightcast call, whatever the endpoint. One guard per
 * concern, each a single instance, so there is one breaker, one retry policy and one rate ceiling
 * for all of Lightcast; a {@code @RateLimit} per method would give each endpoint its own.
 */
class LightcastGuard {

    /** Retries, breaker and timeout around a whole call. */
    static final String NAME = "lightcast";
    /** The rolling rate ceiling around each request: never more than the rate in any one-second span. */
    static final String RATE_CEILING = "lightcast-rate";

    /**
     * Around each single request, inside its budget permit. The budget already spaces requests
     * more widely, so this limit only ever bites if that went wrong.
     *
     * <p>A rolling window of one never frees its only slot (it keeps the last attempt whatever its
     * age, and counts it), so it would refuse every request after the first: at one request a
     * second the ceiling is two a second with a second between any two, which is the same rule.
     */
    @Produces
    @Singleton
    @Identifier(RATE_CEILING)
    Guard rateCeiling(LightcastConfig config) {
        boolean one = config.rateLimit() <= 1;
        return Guard.create()
                .withDescription("Lightcast rate ceiling")
                .withRateLimit()
                    .limit(one ? 2 : config.rateLimit())
                    .window(1, ChronoUnit.SECONDS)
                    .minSpacing(one ? 1 : 0, ChronoUnit.SECONDS)
                    .type(RateLimitType.ROLLING)
                    .done()
                .build();
    }

    /** The breaker's state now; closed until the guard is first used (it is built then). */
    static CircuitBreakerState breakerState() {
        try {
            return CircuitBreakerMaintenance.get().currentState(NAME);
        } catch (IllegalArgumentException notCreatedYet) {
            return CircuitBreakerState.CLOSED;
        }
    }

    @Produces
    @Singleton
    @Identifier(NAME)
    Guard lightcastGuard(LightcastConfig config) {
        LightcastConfig.Retry retry = config.retry();
        LightcastConfig.Breaker breaker = config.breaker();
        return Guard.create()
                .withDescription("Lightcast Titles API")
                .withRetry()
                    .maxRetries(retry.maxRetries())
                    .delay(retry.delay().toMillis(), ChronoUnit.MILLIS)
                    .jitter(retry.jitter().toMillis(), ChronoUnit.MILLIS)
                    .withExponentialBackoff().factor(3).maxDelay(2, ChronoUnit.SECONDS).done()
                    .whenException(failure -> failure instanceof LightcastUnavailable unavailable && unavailable.worthRetrying())
                    .done()
                .withCircuitBreaker()
                    .name(NAME)
                    .requestVolumeThreshold(breaker.requestVolume())
                    .failureRatio(breaker.failureRatio())
                    .delay(breaker.delay().toMillis(), ChronoUnit.MILLIS)
                    .successThreshold(breaker.successThreshold())
                    // only Lightcast failing counts: not 4xx, not 429, not our own budget
                    .when(LightcastUnavailable.class::isInstance)
                    .done()
                .withTimeout()
                    .duration(config.attemptTimeout().toMillis(), ChronoUnit.MILLIS)
                    .done()
                .build();
    }
}
