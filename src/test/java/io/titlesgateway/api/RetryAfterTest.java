package io.titlesgateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.GatewayTokens;
import io.titlesgateway.support.RedisAvailable;
import io.titlesgateway.support.StreamCall;
import io.titlesgateway.support.TestSecrets;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * Every 429 and 503, whatever refused the request, tells the caller a usable wait: a
 * {@code Retry-After} of whole seconds, at least 1, no more than the most its cause can ask for, and
 * never more than an hour. One gateway, shared on Redis, with callers that have caps, walks them all.
 */
@QuarkusTest
@TestProfile(RetryAfterTest.EveryRefusal.class)
@WithTestResource(LightcastEmulatorResource.class)
class RetryAfterTest extends EmulatedUpstreamTest {

    private static final String SECRET = "retry-after-test-secret-0123456789";
    private static final String V = "/titles/versions/5.47";
    private static final long AN_HOUR = 3_600;

    public static class EveryRefusal implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String hash = TestSecrets.hash(SECRET);
            return Map.ofEntries(
                    Map.entry("titles.auth", "required"),
                    Map.entry("titles.clients", "[{\"id\":\"plain\",\"secretHash\":\"" + hash + "\"},"
                            + "{\"id\":\"hasty\",\"secretHash\":\"" + hash + "\",\"ratePerSecond\":1},"
                            + "{\"id\":\"daily\",\"secretHash\":\"" + hash + "\",\"dailyNormalize\":1}]"),
                    Map.entry("titles.token-signing-key", Base64.getEncoder().encodeToString("retry-after-test-signing-key-32-bytes".getBytes())),
                    Map.entry("titles.redis-url", RedisAvailable.URL),
                    // a loaded machine must not send the replica alone, where another replica's pause does not reach it
                    Map.entry("titles.redis-timeout", "2S"),
                    Map.entry("titles.stream-max-concurrent", "1"),
                    Map.entry("lightcast.rate-limit", "5"),
                    Map.entry("lightcast.budget-deadline", "1S"),
                    Map.entry("lightcast.retry.max-retries", "0"),
                    Map.entry("lightcast.breaker.request-volume", "4"),
                    Map.entry("lightcast.breaker.delay", "2S"));
        }
    }

    @Inject
    Vertx vertx;

    @Inject
    io.titlesgateway.lightcast.QuotaGate quota;

    private Redis redis;
    private String plain;

    @BeforeEach
    void sharedLedgerEmptyAndVersionKnown() {
        RedisAvailable.orSkip();
        redis = Redis.createClient(vertx, RedisAvailable.URL);
        RedisAvailable.forgetTheTestClient(redis);
        plain = GatewayTokens.bearer("plain", SECRET);
        given().header("Authorization", plain).get(V).then().statusCode(200);
    }

    @Test
    void everyRefusalSaysAUsableWait() throws Exception {
        budgetRefusal();
        callerRateCap();
        callerDailyCap();
        normalizeQuotaSpent();
        sharedPause();
        streamBound();
        tokenEndpointBusy();
        breakerOpen();
    }

    /** Callers asking more than the budget can serve by their deadline: no upstream pause is active. */
    private void budgetRefusal() {
        List<HttpResponse<String>> answers = Callers.send(IntStream.range(0, 30)
                .mapToObj(i -> Callers.postJsonRequest(V + "/normalize/inspect", "{\"term\":\"budget refusal " + i + "\"}", plain))
                .toList());
        List<HttpResponse<String>> refused = answers.stream().filter(answer -> answer.statusCode() == 429).toList();
        assertThat(refused).as("30 at once at 5/s with a 1 s deadline").isNotEmpty();
        // the longest the budget can ask: its longest pause (60 s) and a deadline more, plus one
        refused.forEach(answer -> assertUsable(answer.headers().firstValue("Retry-After"), 62));
    }

    private void callerRateCap() {
        String hasty = GatewayTokens.bearer("hasty", SECRET);
        List<HttpResponse<String>> answers = Callers.send(IntStream.range(0, 10)
                .mapToObj(i -> Callers.getRequest(V, hasty)).toList());
        List<HttpResponse<String>> capped = answers.stream().filter(answer -> answer.statusCode() == 429).toList();
        assertThat(capped).as("10 at once from a caller allowed 1 a second").isNotEmpty();
        capped.forEach(answer -> assertUsable(answer.headers().firstValue("Retry-After"), 1));
    }

    private void callerDailyCap() {
        String daily = GatewayTokens.bearer("daily", SECRET);
        given().header("Authorization", daily).contentType("application/json").body("{\"term\":\"chef\"}").post(V + "/normalize")
                .then().statusCode(200);
        Response capped = given().header("Authorization", daily).contentType("application/json").body("{\"term\":\"cook\"}")
                .post(V + "/normalize");
        assertThat(capped.statusCode()).isEqualTo(429);
        assertUsable(capped, AN_HOUR);
    }

    private void normalizeQuotaSpent() {
        emulator.quota(0);
        Response spent = given().header("Authorization", plain).contentType("application/json").body("{\"term\":\"quota spent\"}")
                .post(V + "/normalize");
        assertThat(spent.statusCode()).isEqualTo(429);
        assertUsable(spent, AN_HOUR);
        Response known = given().header("Authorization", plain).contentType("application/json").body("{\"term\":\"quota known spent\"}")
                .post(V + "/normalize");
        assertThat(known.statusCode()).isEqualTo(429);
        // no call made: back when the next probe may go
        assertUsable(known, 60);
        emulator.quota(1_000_000);
        quota.forget(); // as after Lightcast raised the quota
    }

    /** Another replica met Lightcast's 429 and paused every replica for 30 s, on Redis. */
    private void sharedPause() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> "shared on Redis".equals(given().get("/q/health/ready")
                .then().extract().path("checks.find { it.name == 'redis' }.data.budget")));
        redis.send(Request.cmd(Command.SET).arg("titles-gateway:budget:{gateway-test}:paused").arg("1").arg("PX").arg(30_000))
                .toCompletionStage().toCompletableFuture().join();
        try {
            Response paused = given().header("Authorization", plain).contentType("application/json")
                    .body("{\"term\":\"paused everywhere\"}").post(V + "/normalize/inspect");
            assertThat(paused.statusCode()).isEqualTo(429);
            assertUsable(paused, 30);
        } finally {
            RedisAvailable.forgetTheTestClient(redis);
        }
    }

    private void streamBound() throws Exception {
        try (StreamCall open = StreamCall.open(vertx, V + "/normalize/stream", "text/plain", false, plain)) {
            assertThat(open.status()).isEqualTo(200);
            Response beyond = given().header("Authorization", plain).contentType("text/plain").body("chef").post(V + "/normalize/stream");
            assertThat(beyond.statusCode()).isEqualTo(503);
            assertUsable(beyond, 1);
        }
    }

    /** More secret checks at once than the gateway makes: the rest are told to come back. */
    private void tokenEndpointBusy() {
        List<HttpResponse<String>> answers = Callers.send(IntStream.range(0, 40)
                .mapToObj(i -> Callers.postFormRequest("/connect/token", "grant_type=client_credentials&client_id=plain&client_secret=wrong-" + i))
                .toList());
        List<HttpResponse<String>> busy = answers.stream().filter(answer -> answer.statusCode() == 503).toList();
        assertThat(busy).as("40 slow secret checks at once").isNotEmpty();
        busy.forEach(answer -> assertUsable(answer.headers().firstValue("Retry-After"), 1));
    }

    private void breakerOpen() {
        emulator.failNext(1_000, 503);
        Predicate<Response> open = answer -> answer.statusCode() == 503;
        Response refused = null;
        for (int i = 0; i < 20 && refused == null; i++) {
            Response answer = given().header("Authorization", plain).contentType("application/json")
                    .body("{\"term\":\"breaker " + i + "\"}").post(V + "/normalize/inspect");
            refused = open.test(answer) ? answer : null;
        }
        assertThat(refused).as("the breaker opens after 4 failed calls").isNotNull();
        assertUsable(refused, 2);
        emulator.failNext(0, 503);
    }

    private static void assertUsable(Response answer, long most) {
        assertUsable(Optional.ofNullable(answer.header("Retry-After")), most);
    }

    private static void assertUsable(Optional<String> retryAfter, long most) {
        assertThat(retryAfter).as("Retry-After").isPresent();
        assertThat(retryAfter.get()).as("whole seconds").matches("[0-9]{1,4}");
        assertThat(Long.parseLong(retryAfter.get())).isBetween(1L, Math.min(most, AN_HOUR));
    }
}
