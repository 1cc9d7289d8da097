package io.titlesgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.LogRecords;

/**
 * Random requests at every endpoint, property-style with a fixed seed (printed on failure): random
 * paths, query strings, content types and bodies, from plausible to hostile. Whatever comes, the
 * gateway answers in time, never with a 5xx, always in the error envelope when it refuses, and
 * never sends Lightcast a request Lightcast would refuse.
 */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class RandomInputTest extends EmulatedUpstreamTest {

    private static final long SEED = 20261128L;
    private static final int REQUESTS = 400;
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** What Lightcast answers a request it refuses: none of these may come back from the emulator. */
    private static final Set<Integer> REFUSALS = Set.of(400, 401, 403, 405, 413, 415, 422);

    private static final String[][] ENDPOINTS = {
            { "GET", "/titles/status" }, { "GET", "/titles/meta" }, { "GET", "/titles/versions" },
            { "GET", "/titles/versions/{v}" }, { "GET", "/titles/versions/{v}/changes" },
            { "GET", "/titles/versions/{v}/titles" }, { "POST", "/titles/versions/{v}/titles" },
            { "GET", "/titles/versions/{v}/titles/{id}" }, { "POST", "/titles/versions/{v}/normalize" },
            { "POST", "/titles/versions/{v}/normalize/inspect" }, { "POST", "/titles/versions/{v}/normalize/bulk" },
            { "POST", "/titles/versions/{v}/normalize/stream" }, { "POST", "/connect/token" } };
    private static final String[] SEGMENTS = { "5.47", "latest", "5.46", "9.99", "..", "%2e%2e", "%00", "5.47%20", "ET3B93055220D592C8",
            "et3b93055220d592c8", "ETZZZZ", "%E2%82%AC", "a".repeat(300), "-", "_", "5.47;x", "%25", "onet-30.0" };
    private static final String[] QUERY_KEYS = { "q", "limit", "page", "fields", "confidenceThreshold", "x", "" };
    private static final String[] QUERY_VALUES = { "", "0", "1", "-1", "100", "1001", "99999999999999999999", "0.5", "1.5", "NaN",
            "abc", "id,name", "id,,name", "mapping,levelBand", "salary", "%00", "%E2%82%AC", "data+scientist", "x".repeat(2000),
            "y".repeat(12_000) };
    private static final String[] CONTENT_TYPES = { "application/json", "text/plain", "application/x-ndjson",
            "application/x-www-form-urlencoded", "application/xml", "application/json; charset=utf-16", "text/plain; charset=latin1",
            "garbage", "*/*" };
    private static final String[] WORDS = { "data", "scientist", "Sr.", "RN", "ICU", "nights", "chef", "\u00e9l\u00e8ve", "\u0000",
            "\"", "\\", "{", "}", "[", "]", "\n", "\r\n", "\ud83d\ude00", "$40/hr", "#88123", "null", "true", "-1e309" };

    private final Random random = new Random(SEED);

    private String pick(String[] values) {
        return values[random.nextInt(values.length)];
    }

    private String text(int maxWords) {
        StringBuilder text = new StringBuilder();
        int words = random.nextInt(maxWords + 1);
        for (int i = 0; i < words; i++) {
            text.append(i == 0 ? "" : " ").append(pick(WORDS));
        }
        return text.toString();
    }

    private String jsonString(int maxWords) {
        return "\"" + text(maxWords).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n").replace("\r", "\\r")
                .replace("\u0000", "\\u0000") + "\"";
    }

    private String jsonValue(int depth) {
        return switch (random.nextInt(depth > 3 ? 4 : 7)) {
            case 0 -> jsonString(6);
            case 1 -> String.valueOf(random.nextInt(2_000) - 1_000);
            case 2 -> random.nextBoolean() ? "null" : "true";
            case 3 -> String.valueOf(random.nextDouble() * 3 - 1);
            case 4 -> "[" + String.join(",", java.util.stream.IntStream.range(0, random.nextInt(4))
                    .mapToObj(i -> jsonValue(depth + 1)).toList()) + "]";
            default -> "{" + String.join(",", java.util.stream.IntStream.range(0, random.nextInt(4))
                    .mapToObj(i -> "\"" + pick(new String[] { "term", "terms", "ids", "fields", "confidenceThreshold", "limit", "x" })
                            + "\":" + jsonValue(depth + 1)).toList()) + "}";
        };
    }

    private String body() {
        return switch (random.nextInt(9)) {
            case 0 -> "";
            case 1 -> text(12);
            case 2 -> "{\"term\":" + jsonString(random.nextInt(3) == 0 ? 400 : 8) + "}";
            case 3 -> "{\"terms\":[" + String.join(",", java.util.stream.IntStream.range(0, random.nextInt(3) == 0 ? 501 : 5)
                    .mapToObj(i -> jsonString(4)).toList()) + "]}";
            case 4 -> "{\"ids\":[\"ET3B93055220D592C8\"," + jsonValue(1) + "]}";
            case 5 -> "[".repeat(2_000) + "]".repeat(2_000);
            case 6 -> "grant_type=client_credentials&client_id=" + URLEncoder.encode(text(2), StandardCharsets.UTF_8)
                    + "&client_secret=" + URLEncoder.encode(text(3), StandardCharsets.UTF_8);
            case 7 -> String.join("\n", java.util.stream.IntStream.range(0, random.nextInt(30))
                    .mapToObj(i -> random.nextBoolean() ? text(5) : "{\"term\":" + jsonValue(2) + "}").toList());
            default -> jsonValue(0);
        };
    }

    private String path(String template) {
        String path = template.replace("{v}", pick(SEGMENTS)).replace("{id}", pick(SEGMENTS));
        if (random.nextInt(4) == 0) {
            StringBuilder query = new StringBuilder("?");
            for (int i = 0; i < 1 + random.nextInt(4); i++) {
                query.append(i == 0 ? "" : "&").append(pick(QUERY_KEYS)).append('=').append(pick(QUERY_VALUES));
            }
            path += query;
        }
        return path;
    }

    @Test
    void noRandomRequestGetsA5xxHangsOrReachesLightcastWithWhatItWouldRefuse() {
        try (LogRecords logged = LogRecords.capture()) {
            sendRandomRequests();
            assertThat(logged.lines()).as("logged at WARN or above by what random callers sent (seed %d)", SEED).isEmpty();
        }
        List<ReceivedRequest> upstream = emulator.apiCalls();
        assertThat(upstream).as("some requests were good enough to reach Lightcast").isNotEmpty();
        assertThat(upstream).allSatisfy(call -> assertThat(REFUSALS).as(call.method() + " " + call.path() + " " + call.body())
                .doesNotContain(call.status()));
    }

    private void sendRandomRequests() {
        for (int i = 0; i < REQUESTS; i++) {
            String[] endpoint = ENDPOINTS[random.nextInt(ENDPOINTS.length)];
            String path = path(endpoint[1]);
            HttpRequest.Builder request;
            try {
                request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + path))
                        .timeout(Duration.ofSeconds(15));
            } catch (IllegalArgumentException notAUri) {
                continue; // the client itself cannot send it, so neither could a caller
            }
            String described = endpoint[0] + " " + path;
            if (random.nextInt(25) == 0) {
                request.header("X-Padding", "p".repeat(random.nextInt(2) == 0 ? 1_000 : 20_000));
            }
            if (endpoint[0].equals("POST") || random.nextInt(10) == 0) {
                String body = body();
                if (random.nextInt(8) > 0) {
                    request.header("Content-Type", pick(CONTENT_TYPES));
                }
                // now and then text that is not UTF-8: the same characters in Latin-1
                byte[] bytes = body.getBytes(random.nextInt(6) == 0 ? StandardCharsets.ISO_8859_1 : StandardCharsets.UTF_8);
                request.method(random.nextInt(12) == 0 ? "PUT" : "POST", HttpRequest.BodyPublishers.ofByteArray(bytes));
                described += " <" + body.length() + " chars>";
            } else {
                request.GET();
            }
            HttpResponse<String> answer;
            try {
                answer = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException | InterruptedException failed) {
                throw new AssertionError("seed " + SEED + ", request " + i + ": " + described + " got no answer: " + failed, failed);
            }
            String as = "seed " + SEED + ", request " + i + ": " + described;
            assertThat(answer.statusCode()).as(as).isLessThan(500).isGreaterThanOrEqualTo(200);
            if (answer.statusCode() >= 400 && !path.startsWith("/connect/token")) {
                assertThat(answer.body()).as(as).startsWith("{\"errors\":[{\"status\":" + answer.statusCode());
            } else if (answer.statusCode() >= 400 && (path.equals("/connect/token") || path.startsWith("/connect/token?"))) {
                assertThat(answer.body()).as(as + ": OAuth's error format").startsWith("{\"error\":");
            }
            assertThat(answer.body()).as(as).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }
}
