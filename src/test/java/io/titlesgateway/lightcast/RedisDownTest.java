package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.Terms;

/**
 * Redis configured but not answering: no caller waits on it, and this replica paces itself alone
 * at rate / max-replicas, so that all replicas together still stay within Lightcast's limit.
 */
@QuarkusTest
@TestProfile(RedisDownTest.RedisThatDoesNotAnswer.class)
@WithTestResource(LightcastEmulatorResource.class)
class RedisDownTest extends EmulatedUpstreamTest {

    public static class RedisThatDoesNotAnswer implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("titles.redis-url", "redis://127.0.0.1:1", "titles.max-replicas", "5",
                    "lightcast.rate-limit", "5", "lightcast.budget-deadline", "3S");
        }
    }

    @Test
    void eachReplicaGoesAloneAtItsShareOfTheRate() {
        given().get("/titles/versions/5.47").then().statusCode(200);
        emulator.reset();
        emulator.ratePerSecond(1000);

        List<HttpResponse<String>> answers = Callers.postJson(4, "/titles/versions/5.47/normalize",
                i -> "{\"term\":\"" + Terms.distinct(4).get(i) + "\"}");

        assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).isIn(200, 429));
        assertThat(answers).anySatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(200));
        assertThat(emulator.peakCallsPerSecond()).as("5 / 5 replicas: one call a second").isLessThanOrEqualTo(1);
        given().get("/q/health/ready").then()
                .statusCode(200) // a replica alone still serves its callers
                .body("checks.find { it.name == 'redis' }.data.budget", containsString("degraded"))
                .body("checks.find { it.name == 'redis' }.data.ping", containsString("no answer"));
    }
}
