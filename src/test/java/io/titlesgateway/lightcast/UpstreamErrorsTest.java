package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.time.Duration;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.titlesgateway.emulator.InjectEmulator;
import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.emulator.LightcastEmulatorResource;

/** What a caller gets when Lightcast says no, fails, stalls or drops the connection. */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class UpstreamErrorsTest {

    @InjectEmulator
    LightcastEmulator emulator;

    @BeforeEach
    void resetEmulator() {
        emulator.reset();
        emulator.ratePerSecond(1000);
    }

    @ParameterizedTest
    @ValueSource(ints = { 400, 404, 413, 415 })
    void clientErrorsPassThroughInTheEnvelope(int status) {
        emulator.failNext(1, status);

        given().get("/titles/versions/5.47").then().statusCode(status)
                .body("errors[0].status", equalTo(status))
                .body("errors[0].detail", equalTo("The emulator was told to fail this call"));
        assertThat(emulator.apiCalls()).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = { 500, 502, 503 })
    void serverErrorsBecomeABadGateway(int status) {
        emulator.failNext(1, status);

        given().get("/titles/status").then().statusCode(502)
                .body("errors[0].status", equalTo(502))
                .body("errors[0].detail", equalTo("Lightcast failed to serve /status (HTTP " + status + ")."))
                .body(not(containsString("Injected failure")));
    }

    @Test
    void upstreamRateLimitStaysA429WithRetryAfter() {
        emulator.ratePerSecond(1);
        given().get("/titles/versions").then().statusCode(200);

        given().get("/titles/versions").then().statusCode(429)
                .header("Retry-After", "1")
                .body("errors[0].status", equalTo(429));
        assertThat(emulator.apiCalls()).extracting(call -> call.status()).containsExactly(200, 429);
    }

    @Test
    void exhaustedQuotaIsA429WithABoundedRetryAfter() {
        emulator.quota(0);

        given().contentType("application/json").body("{\"term\":\"cook\"}")
                .post("/titles/versions/latest/normalize")
                .then().statusCode(429)
                .header("Retry-After", "3600")
                .body("errors[0].detail", containsString("quota"));
    }

    @Test
    void slowUpstreamIsAGatewayTimeout() {
        emulator.latency(Duration.ofMillis(1_500));

        given().get("/titles/meta").then().statusCode(504)
                .body("errors[0].status", equalTo(504))
                .body("errors[0].detail", containsString("did not answer /meta in time"));
    }

    @Test
    void droppedConnectionIsABadGateway() {
        emulator.resetNext(1);

        given().get("/titles/meta").then().statusCode(502)
                .body("errors[0].detail", containsString("Lightcast"))
                .body(not(containsString("Exception")));
    }
}
