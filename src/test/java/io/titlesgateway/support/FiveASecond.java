package io.titlesgateway.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * One replica at Lightcast's real pace, 5 calls a second, with readiness asking {@code /status} at
 * most once a second and keeping its answer half a second: the tests of the budget and of readiness
 * under it share one application (each profile is one more augmentation and start of the suite).
 */
public class FiveASecond implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        // a 3 s deadline leaves room for a loaded CI machine; what is tested is the rule, not the figure
        return Map.of("lightcast.rate-limit", "5", "lightcast.budget-deadline", "3S",
                "titles.readiness-interval", "1S",
                "quarkus.cache.caffeine.\"lightcast-status\".expire-after-write", "500MS");
    }
}
