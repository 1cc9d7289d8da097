package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.faulttolerance.api.CircuitBreakerMaintenance;
import io.smallrye.faulttolerance.api.CircuitBreakerState;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;

/** The breaker opens on a failing Lightcast, lets a trial through after its delay, and closes on success. */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class BreakerTest extends EmulatedUpstreamTest {

    private static CircuitBreakerState breaker() {
        return CircuitBreakerMaintenance.get().currentState(LightcastGuard.NAME);
    }

    @Test
    void opensHalfOpensAndCloses() throws InterruptedException {
        given().get("/titles/versions/5.47").then().statusCode(200);
        emulator.failNext(1_000, 503);
        for (int i = 0; i < 4 && breaker() != CircuitBreakerState.OPEN; i++) {
            given().get("/titles/versions/5.47/titles?q=cook" + i).then()
                    .statusCode(org.hamcrest.Matchers.anyOf(org.hamcrest.Matchers.is(502), org.hamcrest.Matchers.is(503)));
        }
        assertThat(breaker()).isEqualTo(CircuitBreakerState.OPEN);

        emulator.reset();
        emulator.ratePerSecond(1000);
        given().get("/titles/meta").then().statusCode(503)
                .header("Retry-After", "3")
                .body("errors[0].detail", containsString("stopped calling it"));
        assertThat(emulator.apiCalls()).as("an open breaker spares Lightcast").isEmpty();

        Thread.sleep(3_100); // the test profile's breaker stays open 3 s: long enough to look at it on a busy machine
        given().get("/titles/meta").then().statusCode(200);
        assertThat(breaker()).as("one trial call succeeded; two are needed").isEqualTo(CircuitBreakerState.HALF_OPEN);
        given().get("/titles/versions/5.46/changes").then().statusCode(200);
        assertThat(breaker()).isEqualTo(CircuitBreakerState.CLOSED);
    }

    @Test
    void clientErrorsAndRateLimitsDoNotOpenIt() {
        given().get("/titles/versions").then().statusCode(200);
        for (int i = 0; i < 12; i++) {
            emulator.failNext(1, i % 2 == 0 ? 404 : 400);
            given().get("/titles/versions/5.47/changes").then().statusCode(org.hamcrest.Matchers.lessThan(500));
        }
        assertThat(breaker()).isEqualTo(CircuitBreakerState.CLOSED);
    }
}
