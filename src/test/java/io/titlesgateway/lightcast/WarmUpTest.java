package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.InjectEmulator;
import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;

/**
 * A pod woken by a request: right after its first token, the gateway fetches what a normalize of
 * {@code latest} needs besides its own call, so that the request that woke it costs one upstream call.
 * Not an {@code EmulatedUpstreamTest}: the record of what the gateway did at start is the point.
 */
@QuarkusTest
@TestProfile(WarmUpTest.WarmingUp.class)
@WithTestResource(LightcastEmulatorResource.class)
class WarmUpTest {

    public static class WarmingUp implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lightcast.warm-up", "true");
        }
    }

    @InjectEmulator
    LightcastEmulator emulator;

    @Test
    void theFirstNormalizeAfterStartCostsOneUpstreamCall() {
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> emulator.apiCalls("/titles/versions/5.47").size() == 1);
        assertThat(paths(emulator.apiCalls())).as("what the gateway asked on its own at start")
                .containsExactlyInAnyOrder("/titles/status", "/titles/meta", "/titles/versions/5.47");
        assertThat(emulator.tokenRequests()).as("one token for the probe and the warm-up together").isEqualTo(1);
        int before = emulator.apiCalls().size();

        given().contentType("application/json").body("{\"term\":\"registered nurse\"}")
                .post("/titles/versions/latest/normalize")
                .then().statusCode(200).body("data.title.name", equalTo("Registered Nurse"));

        assertThat(paths(emulator.apiCalls().subList(before, emulator.apiCalls().size())))
                .containsExactly("/titles/versions/5.47/normalize");
    }

    private static List<String> paths(List<ReceivedRequest> calls) {
        return calls.stream().map(ReceivedRequest::path).toList();
    }
}
