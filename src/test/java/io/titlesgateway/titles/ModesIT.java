package io.titlesgateway.titles;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.support.GatewayProcess;

/**
 * The packaged gateway, each in a process of its own, as an operator sees it in each mode: the
 * readiness checks and metrics of that mode and of no other, and a start-up with nothing to warn of.
 */
class ModesIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static List<String> readinessChecks(GatewayProcess gateway) throws Exception {
        JsonNode ready = JSON.readTree(gateway.get("/q/health/ready").body());
        return ready.get("checks").findValuesAsText("name");
    }

    private static List<String> warnings(GatewayProcess gateway) {
        return gateway.log().lines().filter(line -> line.contains(" WARN ") || line.contains(" ERROR ")).toList();
    }

    @Test
    void theCatalogShowsNothingOfLightcast() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start("catalog-mode", Map.of("TITLES_BACKEND", "catalog")).awaitReady()) {
            assertThat(readinessChecks(gateway)).containsExactly("titles-backend");
            String metrics = gateway.get("/q/metrics").body();
            assertThat(metrics.lines().filter(line -> line.startsWith("titles_upstream_") || line.startsWith("titles_budget_")))
                    .as("Lightcast's metrics in catalog mode").isEmpty();
            assertThat(warnings(gateway)).as("warnings at start-up").isEmpty();
        }
    }

    @Test
    void lightcastShowsItsQuotaAndNoRedisItDoesNotUse() throws Exception {
        try (LightcastEmulator emulator = LightcastEmulator.start();
                GatewayProcess gateway = GatewayProcess.start("lightcast-mode", Map.of(
                        "LIGHTCAST_API_URL", emulator.apiUrl(),
                        "LIGHTCAST_AUTH_URL", emulator.authUrl(),
                        "LIGHTCAST_CLIENT_ID", emulator.clientId(),
                        "LIGHTCAST_CLIENT_SECRET", emulator.clientSecret(),
                        "TITLES_AUTH", "none")).awaitReady()) {
            assertThat(readinessChecks(gateway)).containsExactlyInAnyOrder("titles-backend", "lightcast-quota");
            assertThat(gateway.get("/q/metrics").body()).contains("titles_upstream_quota_remaining");
            assertThat(emulator.apiCalls("/status")).as("readiness asked Lightcast before any caller").isNotEmpty();
            assertThat(warnings(gateway)).as("warnings at start-up").isEmpty();
        }
    }
}
