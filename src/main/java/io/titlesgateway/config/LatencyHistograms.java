package io.titlesgateway.config;

import java.time.Duration;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.core.instrument.distribution.DistributionStatisticConfig;

/**
 * Buckets for the waits the dashboard and the alerts read as percentiles: what callers wait for an
 * answer, what calls wait for the budget, what Lightcast takes. A dozen fixed bounds each, not
 * Micrometer's seventy, so the series stay few.
 */
@Singleton
public class LatencyHistograms {

    private static final Set<String> TIMED = Set.of("http.server.requests", "http.client.requests", "titles.budget.wait");
    private static final double[] BOUNDS = Stream.of(5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000)
            .mapToDouble(millis -> Duration.ofMillis(millis).toNanos())
            .toArray();

    @Produces
    @Singleton
    MeterFilter latencyBuckets() {
        return new MeterFilter() {
            @Override
            public DistributionStatisticConfig configure(Meter.Id id, DistributionStatisticConfig config) {
                if (!TIMED.contains(id.getName())) {
                    return config;
                }
                return DistributionStatisticConfig.builder().serviceLevelObjectives(BOUNDS).build().merge(config);
            }
        };
    }
}
