package io.titlesgateway.support;

import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * The gateway as one replica of several: the budget and the second cache level on the Redis at
 * 127.0.0.1:6379, Lightcast's real pace, and readiness asking {@code /status} at most once a second.
 */
public class SharedOnRedis implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("titles.redis-url", RedisAvailable.URL, "lightcast.rate-limit", "5", "lightcast.budget-deadline", "3S",
                "titles.readiness-interval", "1S");
    }
}
