package io.titlesgateway.support;

import java.util.Base64;
import java.util.Map;

import io.quarkus.test.junit.QuarkusTestProfile;

/**
 * Callers who must authenticate, at Lightcast's real pace (5 calls a second, the default deadline):
 * {@code flooder} and {@code steady} with equal weights, for the budget's fair share; {@code noisy}
 * with a share of 2 normalize calls a month and {@code quiet} without one, for the quota's shares.
 */
public class CallersWithShares implements QuarkusTestProfile {

    /** Every caller's secret. */
    public static final String SECRET = "a-shared-test-secret-0123456789";

    @Override
    public Map<String, String> getConfigOverrides() {
        String hash = TestSecrets.hash(SECRET);
        return Map.of("titles.auth", "required",
                "titles.clients", "[{\"id\":\"flooder\",\"secretHash\":\"" + hash + "\",\"weight\":1},"
                        + "{\"id\":\"steady\",\"secretHash\":\"" + hash + "\",\"weight\":1},"
                        + "{\"id\":\"noisy\",\"secretHash\":\"" + hash + "\",\"quotaPerMonth\":2},"
                        + "{\"id\":\"quiet\",\"secretHash\":\"" + hash + "\"}]",
                "titles.token-signing-key", Base64.getEncoder().encodeToString("callers-with-shares-signing-key-32-bytes".getBytes()),
                "lightcast.rate-limit", "5");
    }
}
