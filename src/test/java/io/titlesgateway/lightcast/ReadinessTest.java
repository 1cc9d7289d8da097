package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;

/**
 * Readiness follows Lightcast's own {@code /status}, asked at most once per interval however often
 * probes come; liveness never depends on Lightcast.
 */
@QuarkusTest
@TestProfile(ReadinessTest.CheckedEverySecond.class)
@WithTestResource(LightcastEmulatorResource.class)
class ReadinessTest extends EmulatedUpstreamTest {

    public static class CheckedEverySecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("titles.readiness-interval", "1S",
                    "quarkus.cache.caffeine.\"lightcast-status\".expire-after-write", "500MS");
        }
    }

    private static int readiness() {
        return given().get("/q/health/ready").statusCode();
    }

    @Test
    void probesAskLightcastAtMostOncePerInterval() throws InterruptedException {
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
    void notReadyWhileLightcastFailsReadyAgainOnceItRecovers() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> readiness() == 200);

        emulator.failNext(1_000, 503);
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> readiness() == 503);
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'titles-backend' }.data.reason", containsString("Lightcast /status"));
        given().get("/q/health/live").then().statusCode(200);

        emulator.failNext(0, 503);
        io.smallrye.faulttolerance.api.CircuitBreakerMaintenance.get().resetAll();
        Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> readiness() == 200);
    }
}
