package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;

/**
 * Once Lightcast says the normalize quota is spent, no normalize, inspect or bulk call goes out
 * until its reset but one probe per interval; callers get a 429 whose Retry-After brings them
 * back when a call could go. Asserted on the calls the emulator received, with the test profile's probe
 * interval of 2 s.
 */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class SpentQuotaTest extends EmulatedUpstreamTest {

    private static io.restassured.response.ValidatableResponse normalize(String term) {
        return given().contentType("application/json").body("{\"term\":\"" + term + "\"}")
                .post("/titles/versions/5.47/normalize").then();
    }

    @Test
    void afterTheQuota429NewTermsMakeNoUpstreamCall() {
        emulator.quota(0);

        normalize("cook").statusCode(429).body("errors[0].detail", containsString("quota"));
        for (String term : new String[] { "plumber", "welder", "nurse", "driver", "baker" }) {
            String retryAfter = normalize(term).statusCode(429).body("errors[0].detail", containsString("quota is spent"))
                    .extract().header("Retry-After");
            assertThat(Long.parseLong(retryAfter)).as("Retry-After: until the next probe at most").isBetween(1L, 2L);
        }
        given().contentType("application/json").body("{\"term\":\"chef\",\"limit\":3}")
                .post("/titles/versions/5.47/normalize/inspect").then().statusCode(429);

        assertThat(emulator.apiCalls("/normalize")).as("one call heard the 429; the five terms after it made none").hasSize(1);
        assertThat(emulator.apiCalls("/normalize/inspect")).isEmpty();
        given().get("/titles/versions/5.47/changes").then().statusCode(200);
    }

    @Test
    void anAnswerWithNothingLeftClosesTheGateToo() {
        emulator.quota(1);

        normalize("cook").statusCode(200);
        normalize("plumber").statusCode(429);
        normalize("cook").statusCode(200); // answered before: served from the cache

        assertThat(emulator.apiCalls("/normalize")).hasSize(1);
    }

    @Test
    void oneProbePerIntervalFindsTheQuotaBack() {
        emulator.quota(0);
        normalize("cook").statusCode(429);
        long spentAt = System.nanoTime();

        emulator.quota(100);
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> normalize("registered nurse " + System.nanoTime() % 1000).extract().statusCode() == 200);
        long seconds = Duration.ofNanos(System.nanoTime() - spentAt).toSeconds();

        normalize("plumber").statusCode(200);
        long probes = emulator.apiCalls("/normalize").size() - 2; // the first 429, and the plumber after the gate reopened
        assertThat(probes).as("normalize calls while the quota was spent, in %d s at one probe per 2 s", seconds)
                .isBetween(1L, seconds / 2 + 1);
    }
}
