package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.RawRequests;

/** What operators watch: upstream calls, tokens, cache answers, budget, breaker, quota; readiness shows the quota. */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class MetricsTest extends EmulatedUpstreamTest {

    private static double metric(String scrape, String nameAndLabels) {
        Matcher value = Pattern.compile("(?m)^" + Pattern.quote(nameAndLabels) + " ([0-9.eE+-]+)(?: # .*)?$").matcher(scrape);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
    }

    private static String scrape() {
        return given().get("/q/metrics").then().statusCode(200).extract().asString();
    }

    @Test
    void upstreamCallsAndCacheAnswersAreCounted() {
        String before = scrape();
        given().get("/titles/versions/5.47/changes").then().statusCode(200);
        given().get("/titles/versions/5.47/changes").then().statusCode(200);
        emulator.failNext(3, 503);
        given().get("/titles/versions/5.46/changes").then().statusCode(502);
        String after = scrape();

        String ok = "titles_upstream_calls_total{endpoint=\"/versions/{version}/changes\",outcome=\"200\"}";
        String failed = "titles_upstream_calls_total{endpoint=\"/versions/{version}/changes\",outcome=\"503\"}";
        String hits = "titles_cache_answers_total{cache=\"lightcast-changes\",state=\"HIT\"}";
        String misses = "titles_cache_answers_total{cache=\"lightcast-changes\",state=\"MISS\"}";
        assertThat(metric(after, ok) - metric(before, ok)).isEqualTo(1);
        assertThat(metric(after, failed) - metric(before, failed)).isEqualTo(3);
        assertThat(metric(after, hits) - metric(before, hits)).isEqualTo(1);
        assertThat(metric(after, misses) - metric(before, misses)).isEqualTo(1);
        assertThat(after)
                .contains("titles_budget_wait_seconds_count")
                .contains("titles_budget_queue")
                .contains("titles_upstream_breaker_open")
                .contains("cache_gets_total{cache=\"lightcast-changes\"");
    }

    @Test
    void tokenRequestsAreCounted() {
        String counter = "titles_upstream_token_requests_total{status=\"200\"}";
        // the start-up probe's token is counted once readiness has heard Lightcast: not this test's
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> given().get("/q/health/ready").statusCode() == 200);
        double before = metric(scrape(), counter);
        emulator.revokeTokens();
        given().get("/titles/meta").then().statusCode(200);
        assertThat(metric(scrape(), counter) - before).isEqualTo(1);
    }

    @Test
    void quotaLeftIsAMetricAndAReadinessDetail() {
        emulator.quota(7);
        given().contentType("application/json").body("{\"term\":\"cook\"}").post("/titles/versions/5.47/normalize")
                .then().statusCode(200).header("RateLimit-Remaining", "6");

        assertThat(metric(scrape(), "titles_upstream_quota_remaining")).isEqualTo(6);
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'lightcast-quota' }.data.normalizeQuotaRemaining", equalTo(6))
                .body("checks.find { it.name == 'lightcast-quota' }.data.quotaLow", equalTo(true))
                .body(containsString("titles-backend"));
    }

    @Test
    void requestsAreTaggedWithTheirEndpointNeverWithThePathAsSent() {
        String normalized = "http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\",status=\"200\",uri=\"/titles/versions/{version}/normalize\"}";
        String streamed = "http_server_requests_seconds_count{method=\"POST\",outcome=\"SUCCESS\",status=\"200\",uri=\"/titles/versions/{version}/normalize/stream\"}";
        String before = scrape();
        String unknown = "v" + System.nanoTime();
        // answered by the router (at hand or fetched), by a concrete version and by latest
        for (String version : List.of("5.47", "5.46", "latest")) {
            given().contentType("text/plain").body("line cook").post("/titles/versions/" + version + "/normalize").then().statusCode(200);
        }
        given().contentType("text/plain").body("line cook\n").post("/titles/versions/5.47/normalize/stream").then().statusCode(200);
        // refusals on any version a caller writes: a method no endpoint takes, a request target too long
        given().delete("/titles/versions/" + unknown + "/normalize").then().statusCode(405);
        given().queryParam("q", "a".repeat(20_000)).get("/titles/versions/" + unknown + "/titles").then().statusCode(414);
        // OPTIONS, which the REST layer answers under any path its resources start, endpoint or not
        given().options("/titles/versions/" + unknown + "/normalize/").then().statusCode(200);
        given().options("/titles/versions/5.47/" + unknown).then().statusCode(200);
        given().options("/titles/" + unknown).then().statusCode(200);
        // targets refused before any endpoint is matched: no URI, no path, a proxy's CONNECT; and OPTIONS of the whole server
        assertThat(sent("GET /titles/versions/" + unknown + "/titles/%zz")).startsWith("HTTP/1.1 400");
        assertThat(sent("GET titles/versions/" + unknown + "/titles")).startsWith("HTTP/1.1 400");
        assertThat(sent("POST titles/versions/" + unknown + "/normalize")).startsWith("HTTP/1.1 400");
        assertThat(sent("CONNECT " + unknown + ".example:443")).startsWith("HTTP/1.1 400");
        assertThat(sent("OPTIONS *")).startsWith("HTTP/1.1 200");
        assertThat(sent("GET //" + unknown + "/titles")).startsWith("HTTP/1.1 404");
        assertThat(sent("GET ///" + unknown)).startsWith("HTTP/1.1 404");
        // made-up methods, which the HTTP layer takes for methods and the gateway refuses
        assertThat(sent("X" + unknown + " /titles/versions/5.47/titles")).startsWith("HTTP/1.1 405");
        assertThat(sent("PROPFIND /titles/versions/5.47/titles")).startsWith("HTTP/1.1 405");
        String after = scrape();

        assertThat(metric(after, normalized) - metric(before, normalized)).isGreaterThanOrEqualTo(3);
        assertThat(metric(after, streamed) - metric(before, streamed)).isGreaterThanOrEqualTo(1);
        List<String> paths = Pattern.compile("uri=\"([^\"]*)\"").matcher(after).results().map(found -> found.group(1)).distinct().toList();
        assertThat(paths).isNotEmpty().noneMatch(path -> path.contains("5.47") || path.contains("5.46") || path.contains("latest")
                || path.contains(unknown) || path.contains("*"));
        List<String> methods = Pattern.compile("^http_server_requests_seconds_count\\{[^}]*method=\"([^\"]*)\"", Pattern.MULTILINE)
                .matcher(after).results().map(found -> found.group(1)).distinct().toList();
        assertThat(methods).contains("GET", "POST", "UNKNOWN").noneMatch(method -> method.contains(unknown) || method.equals("PROPFIND"));
    }

    /** A request line as written (no client would send these), answered on a connection closed after it. */
    private static String sent(String requestLine) {
        return RawRequests.send(io.restassured.RestAssured.port, requestLine);
    }
}
