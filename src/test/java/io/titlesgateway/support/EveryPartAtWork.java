package io.titlesgateway.support;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Lightcast with bulk access, replicas on Redis, a caller who authenticates with a share of the
 * quota, an answer store of this test JVM's own (one process at a time may open one): the gateway
 * with every part at work, for the tests of what operators see (metrics, traces).
 */
public class EveryPartAtWork implements QuarkusTestProfile {

    public static final String CALLER = "svc-monitored";
    public static final String SECRET = "monitoring-test-secret";

    @Override
    public Map<String, String> getConfigOverrides() {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("titles.redis-url", RedisAvailable.URL);
        config.put("lightcast.bulk.enabled", "true");
        config.put("titles.auth", "auto");
        config.put("titles.clients", "[{\"id\":\"" + CALLER + "\",\"secretHash\":\"" + TestSecrets.hash(SECRET)
                + "\",\"quotaPerYear\":100000}]");
        config.put("titles.token-signing-key", Base64.getEncoder().encodeToString("a-test-signing-key-of-32-bytes-at-least".getBytes()));
        config.put("titles.data-dir", "target/answers-every-part-" + ProcessHandle.current().pid());
        return config;
    }
}
