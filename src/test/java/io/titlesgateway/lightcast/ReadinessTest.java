package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.FiveASecond;
import io.titlesgateway.support.Load;
import io.titlesgateway.support.Metrics;

/**
 * Readiness says whether this replica can serve: Lightcast is judged on the outcomes of the calls
 * the gateway makes, a busy budget is not a failure, and the {@code /status} probe never takes a
 * permit a caller waits for. Liveness never depends on Lightcast.
 */
@QuarkusTest
@TestProfile(FiveASecond.class)
@WithTestResource(LightcastEmulatorResource.class)
class ReadinessTest extends EmulatedUpstreamTest {

    private static int readiness() {
        return given().get("/q/health/ready").statusCode();
    }

    private static JsonPath readinessBody() {
        return given().get("/q/health/ready").then().extract().jsonPath();
    }

    @Test
    void probesAskLightcastAtMostOncePerIntervalWhenNothingElseDoes() throws InterruptedException {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
        emulator.reset();
        emulator.ratePerSecond(1000);

        long started = System.nanoTime();
        int probes = 0;
        while (System.nanoTime() - started < 2_500_000_000L) {
            given().get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'titles-backend' }.data.backend", equalTo("lightcast"));
            probes++;
        }

        assertThat(probes).isGreaterThan(20);
        assertThat(emulator.apiCalls("/titles/status")).as("%d probes in 2.5 s", probes).hasSizeBetween(1, 4);
    }

    @Test
    void aBudgetKeptFullByCallersIsNoReasonToBeUnready() throws InterruptedException {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);
        given().get("/titles/versions/5.47").then().statusCode(200);
        emulator.reset();
        emulator.ratePerSecond(5);
        double queuedBefore = Metrics.value("titles_budget_waits_total", "outcome=\"queued\"");

        int probes = 0;
        try (Load load = Load.ofNewTitles(60, "5.47")) {
            long until = System.nanoTime() + Duration.ofMillis(3_500).toNanos(); // more than three readiness intervals
            while (System.nanoTime() < until || probes < 10) {
                JsonPath ready = readinessBody();
                assertThat(ready.getString("status")).as("readiness while callers keep the budget full: %s", ready.prettify())
                        .isEqualTo("UP");
                probes++;
                Thread.sleep(100);
            }
            assertThat(load.answered(200) + load.answered(404) + load.answered(429)).as("callers answered").isPositive();
        }

        assertThat(Metrics.value("titles_budget_waits_total", "outcome=\"queued\"")).as("callers waited for permits: the budget was full")
                .isGreaterThan(queuedBefore);
        assertThat(emulator.peakCallsPerSecond()).as("Lightcast's limit held").isLessThanOrEqualTo(5);
        assertThat(emulator.apiCalls()).noneSatisfy(call -> assertThat(call.status()).isEqualTo(429));
    }

    @Test
    void unreadyOnceLightcastFailsWithinAnIntervalReadyAgainOnceItRecovers() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);

        emulator.failNext(1_000, 503);
        // idle: the probe asks within an interval (1 s here), and its failures are the evidence
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> readiness() == 503);
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'titles-backend' }.data.reason", containsString("Lightcast"));
        given().get("/q/health/live").then().statusCode(200);

        emulator.failNext(0, 503);
        io.smallrye.faulttolerance.api.CircuitBreakerMaintenance.get().resetAll();
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> readiness() == 200);
    }

    @Test
    void theChecksPresentAreThoseOfTheMode() {
        JsonPath ready = readinessBody();
        assertThat(ready.getList("checks.name", String.class)).as("Lightcast serves, no Redis")
                .containsExactlyInAnyOrder("titles-backend", "lightcast-quota");
        assertThat(Metrics.anyNamed("titles_upstream_quota_remaining")).isTrue();
    }
}
