package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.path.json.JsonPath;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.Load;
import io.titlesgateway.support.RedisAvailable;
import io.titlesgateway.support.SharedOnRedis;
import io.titlesgateway.store.RedisLink;
import io.vertx.core.Vertx;

/**
 * Replicas sharing Redis share one budget, so callers of all of them keep it full sooner; readiness
 * still judges Lightcast on evidence, and its probe takes no permit a caller of any replica waits for.
 */
@QuarkusTest
@TestProfile(SharedOnRedis.class)
@WithTestResource(LightcastEmulatorResource.class)
class SharedReadinessTest extends EmulatedUpstreamTest {

    @Inject
    Vertx vertx;

    @BeforeEach
    void emptyLedger() {
        RedisAvailable.orSkip();
        RedisAvailable.forgetTheTestClient(RedisLink.client(vertx, RedisAvailable.URL, java.util.Optional.empty()));
    }

    @Test
    void aSharedBudgetKeptFullByCallersIsNoReasonToBeUnready() throws InterruptedException {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> given().get("/q/health/ready").statusCode() == 200);
        given().get("/titles/versions/5.47").then().statusCode(200);
        emulator.reset();
        emulator.ratePerSecond(5);

        try (Load load = Load.ofNewTitles(60, "5.47")) {
            long until = System.nanoTime() + Duration.ofMillis(3_500).toNanos();
            while (System.nanoTime() < until) {
                JsonPath ready = given().get("/q/health/ready").then().extract().jsonPath();
                assertThat(ready.getString("status")).as("readiness while callers keep the shared budget full: %s", ready.prettify())
                        .isEqualTo("UP");
                // shared, or alone for a while should a busy machine make Redis late: either way the replica serves
                assertThat(ready.getString("checks.find { it.name == 'redis' }.status")).isEqualTo("UP");
                Thread.sleep(100);
            }
            assertThat(load.answered(429)).as("the shared budget was full: callers were refused").isPositive();
        }
        assertThat(emulator.peakCallsPerSecond()).isLessThanOrEqualTo(5);
    }
}
