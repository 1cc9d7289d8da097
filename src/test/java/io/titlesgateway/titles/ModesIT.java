package io.titlesgateway.titles;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.GatewayProcess;

/**
 * The packaged gateway, each in a process of its own, as an operator sees it in each mode: the
 * readiness checks and metrics of that mode and of no other, a start-up with nothing to warn of, in
 * Lightcast mode the warm-up, and the two ways Lightcast mode is most often set up wrong (no
 * credentials, nothing at the auth URL), each named to the caller.
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

    /**
     * Lightcast mode as it ships, warm-up on: a pod woken by a request fetches, with its first token and
     * no caller, what a normalize of {@code latest} needs besides its own call, so the request that woke
     * it costs one upstream call.
     */
    @Test
    void lightcastWarmsUpShowsItsQuotaAndNoRedisItDoesNotUse() throws Exception {
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

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> emulator.apiCalls("/titles/versions/5.47").size() == 1);
            assertThat(paths(emulator.apiCalls())).as("what the gateway asked on its own at start").containsOnly(
                    "/titles/status", "/titles/meta", "/titles/versions/5.47").contains("/titles/meta");
            assertThat(emulator.tokenRequests()).as("one token for the readiness probe and the warm-up together").isEqualTo(1);
            int before = emulator.apiCalls().size();

            HttpResponse<String> answer = gateway.send(gateway.postJson("/titles/versions/latest/normalize", "{\"term\":\"registered nurse\"}"));
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(JSON.readTree(answer.body()).at("/data/title/name").asText()).isEqualTo("Registered Nurse");
            List<ReceivedRequest> since = emulator.apiCalls().subList(before, emulator.apiCalls().size());
            assertThat(paths(since).stream().filter(path -> !path.equals("/titles/status")))
                    .as("the first normalize of latest after the warm-up: its own call, nothing else")
                    .containsExactly("/titles/versions/5.47/normalize");
        }
    }

    /** Lightcast demanded without credentials: the gateway starts, is not ready, and says what to set. */
    @Test
    void lightcastWithoutCredentialsStartsUnreadyAndNamesWhatToSet() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start("no-credentials", Map.of("TITLES_BACKEND", "lightcast",
                "TITLES_AUTH", "none", "LIGHTCAST_API_URL", "http://127.0.0.1:9/titles", "LIGHTCAST_AUTH_URL", "http://127.0.0.1:9"))
                .awaitLive()) {
            Awaitility.await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                HttpResponse<String> ready = gateway.get("/q/health/ready");
                assertThat(ready.statusCode()).isEqualTo(503);
                JsonNode backend = checkNamed(JSON.readTree(ready.body()), "titles-backend");
                assertThat(backend.at("/data/reason").asText()).as(ready.body()).contains("LIGHTCAST_CLIENT_SECRET");
            });

            HttpResponse<String> meta = gateway.get("/titles/meta");
            assertThat(meta.statusCode()).isEqualTo(503);
            assertThat(meta.headers().firstValue("Retry-After")).hasValue("60");
            assertThat(JSON.readTree(meta.body()).at("/errors/0/detail").asText()).contains("LIGHTCAST_CLIENT_ID");
            assertThat(gateway.send(gateway.postJson("/titles/versions/latest/normalize", "{\"term\":\"cook\"}")).statusCode())
                    .isEqualTo(503);
            assertThat(gateway.send(gateway.postJson("/titles/versions/latest/normalize", "{\"term\":\"\"}")).statusCode())
                    .as("bad input is still refused first").isEqualTo(400);
        }
    }

    /**
     * Credentials set but nothing listening at the auth URL (the emulator not started yet, a wrong port):
     * the caller is told the token endpoint refused the connection and which setting to check, and once
     * the breaker opens its 503 still says so, rather than only that Lightcast is failing. No warm-up:
     * the breaker counts the callers' calls alone.
     */
    @Test
    void nothingAtTheAuthUrlIsNamedBeforeAndAfterTheBreakerOpens() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start("no-auth-server", Map.of("TITLES_BACKEND", "lightcast",
                "LIGHTCAST_CLIENT_ID", "someone", "LIGHTCAST_CLIENT_SECRET", "something",
                "LIGHTCAST_AUTH_URL", "http://127.0.0.1:1", "LIGHTCAST_API_URL", "http://127.0.0.1:1/titles",
                "TITLES_AUTH", "none", "LIGHTCAST_WARM_UP", "false", "LIGHTCAST_RETRY_MAX_RETRIES", "0",
                "LIGHTCAST_BREAKER_REQUEST_VOLUME", "2", "LIGHTCAST_BREAKER_DELAY", "60S")).awaitLive()) {
            HttpResponse<String> first = gateway.get("/titles/versions/5.47");
            assertThat(first.statusCode()).as(first.body()).isEqualTo(502);
            assertThat(JSON.readTree(first.body()).at("/errors/0/detail").asText())
                    .contains("the auth server could not be reached").contains("LIGHTCAST_AUTH_URL");

            HttpResponse<String> open = null;
            for (int i = 0; i < 10 && open == null; i++) {
                HttpResponse<String> answer = gateway.get("/titles/versions/5.4" + i);
                open = answer.statusCode() == 503 ? answer : null;
            }
            assertThat(open).as("the breaker opened").isNotNull();
            assertThat(JSON.readTree(open.body()).at("/errors/0/detail").asText())
                    .contains("stopped calling it").contains("the auth server could not be reached");
        }
    }

    private static JsonNode checkNamed(JsonNode health, String name) {
        for (JsonNode check : health.get("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        throw new AssertionError("no check " + name + " in " + health);
    }

    private static List<String> paths(List<ReceivedRequest> calls) {
        return calls.stream().map(ReceivedRequest::path).toList();
    }
}
