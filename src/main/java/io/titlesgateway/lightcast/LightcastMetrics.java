package io.titlesgateway.lightcast;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.titlesgateway.titles.CacheState;
import io.titlesgateway.titles.Quota;

/**
 * What operators watch of the upstream: calls by endpoint and outcome, token requests, the
 * breaker's state, the normalize quota Lightcast says is left and the size of gathered bulk calls.
 */
@ApplicationScoped
public class LightcastMetrics {

    private static final long UNKNOWN = -1;

    private final MeterRegistry registry;
    private final DistributionSummary batchSizes;
    private final AtomicLong quotaRemaining = new AtomicLong(UNKNOWN);
    private final Map<String, Counter[]> answers = new ConcurrentHashMap<>();
    private volatile Quota lastQuota = Quota.NONE;

    @Inject
    LightcastMetrics(MeterRegistry registry) {
        this.registry = registry;
        Gauge.builder("titles.upstream.quota.remaining", quotaRemaining, AtomicLong::get)
                .description("Normalize calls left in the Lightcast quota (-1 until Lightcast has said)")
                .register(registry);
        Gauge.builder("titles.upstream.breaker.open", this, LightcastMetrics::breakerOpenness)
                .description("Lightcast circuit breaker: 0 closed, 0.5 half-open, 1 open")
                .register(registry);
        batchSizes = DistributionSummary.builder("titles.upstream.batch.terms")
                .description("Terms carried by each bulk call the gateway gathered from normalize misses")
                .register(registry);
    }

    /** One bulk call gathered by the batcher, carrying {@code terms} terms. */
    void batch(int terms) {
        batchSizes.record(terms);
    }

    void upstreamCall(String endpoint, String outcome) {
        registry.counter("titles.upstream.calls", "endpoint", endpoint, "outcome", outcome).increment();
    }

    void tokenRequest(int status) {
        registry.counter("titles.upstream.token.requests", "status", String.valueOf(status)).increment();
    }

    /** Counts one answer; the counters are looked up once per cache, not on every request. */
    void answer(String cache, CacheState state) {
        answers.computeIfAbsent(cache, name -> {
            Counter[] byState = new Counter[CacheState.values().length];
            for (CacheState each : CacheState.values()) {
                byState[each.ordinal()] = registry.counter("titles.cache.answers", "cache", name, "state", each.name());
            }
            return byState;
        })[state.ordinal()].increment();
    }

    /** Records the quota headers of a normalize answer; the remaining count too when it reads as a number. */
    void quota(String remaining, String reset) {
        if (remaining == null && reset == null) {
            return;
        }
        lastQuota = new Quota(remaining, reset);
        quotaRemaining(remaining);
    }

    /** The quota headers Lightcast sent last, for the answers that cost quota. */
    Quota lastQuota() {
        return lastQuota;
    }

    private void quotaRemaining(String header) {
        if (header != null) {
            try {
                quotaRemaining.set(Long.parseLong(header.strip()));
            } catch (NumberFormatException notANumber) {
                // the format is undocumented; keep the last number we understood
            }
        }
    }

    /** The last quota figure Lightcast sent, if any. */
    public OptionalLong quotaRemaining() {
        long remaining = quotaRemaining.get();
        return remaining == UNKNOWN ? OptionalLong.empty() : OptionalLong.of(remaining);
    }

    private double breakerOpenness() {
        return switch (LightcastGuard.breakerState()) {
            case CLOSED -> 0;
            case HALF_OPEN -> 0.5;
            case OPEN -> 1;
        };
    }
}
