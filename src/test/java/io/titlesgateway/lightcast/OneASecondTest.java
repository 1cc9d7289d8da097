package io.titlesgateway.lightcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;

/**
 * {@code LIGHTCAST_RATE_LIMIT=1}, the share of each of five replicas that do not share a budget:
 * calls go out one a second, and every one of them goes out.
 */
@QuarkusTest
@TestProfile(OneASecondTest.OneASecond.class)
@WithTestResource(LightcastEmulatorResource.class)
class OneASecondTest extends EmulatedUpstreamTest {

    public static class OneASecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lightcast.rate-limit", "1", "lightcast.budget-deadline", "8S");
        }
    }

    @Test
    void atOneCallASecondEveryCallerIsAnsweredAndCallsComeASecondApart() {
        List<HttpResponse<String>> answers = Callers.postJson(4, "/titles/versions/5.47/normalize",
                i -> "{\"term\":\"plumber " + i + "\"}");

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        List<Long> arrivals = emulator.apiCalls().stream().map(ReceivedRequest::atNanos).sorted().toList();
        assertThat(emulator.apiCalls("/normalize")).hasSize(4);
        for (int i = 1; i < arrivals.size(); i++) {
            assertThat(TimeUnit.NANOSECONDS.toMillis(arrivals.get(i) - arrivals.get(i - 1)))
                    .as("ms between upstream calls %d and %d", i - 1, i).isGreaterThanOrEqualTo(1_000);
        }
    }
}
