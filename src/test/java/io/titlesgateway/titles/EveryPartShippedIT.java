package io.titlesgateway.titles;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.GatewayProcess;
import io.titlesgateway.support.RedisServer;
import io.titlesgateway.support.TestSecrets;

/**
 * Every part of the gateway at work in the form it ships in: the packaged jar under {@code mvn verify},
 * the native executable under {@code mvn verify -Dnative}, where reflection, resources and build-time
 * initialisation can break what the JVM runs. The catalog: Lucene, the learned ranking and every
 * endpoint. Lightcast: the OAuth token (OIDC client), callers' own tokens, the shared Redis (a second
 * replica answers from it), bulk calls, the stream, the router's hit path, and traces exported over
 * OTLP with their context sent on to Lightcast.
 */
class EveryPartShippedIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String CALLER = "svc-shipped";
    private static final String SECRET = "shipped-test-secret";

    @Test
    void theCatalogMatchesWithLuceneAndTheTrainedRankingOnEveryEndpoint() throws Exception {
        try (GatewayProcess gateway = GatewayProcess.start("shipped-catalog", Map.of("TITLES_BACKEND", "catalog")).awaitReady()) {
            String latest = "/titles/versions/latest";
            JsonNode nurse = data(send(text(gateway, latest + "/normalize?fields=id,name,mapping", "Sr. RN - ICU nights")));
            assertThat(nurse.at("/title/mapping/socs/0/id").asText()).isEqualTo("29-1141");
            assertThat(nurse.path("confidence").asDouble()).as("the calibrated confidence").isGreaterThan(0.9);
            assertThat(gateway.log()).as("the catalog's start-up line").containsPattern("ranking model (?!untrained)\\S+");

            JsonNode candidates = data(send(gateway.postJson(latest + "/normalize/inspect",
                    "{\"term\":\"senior software engineer\",\"limit\":8}")));
            List<Double> confidences = new ArrayList<>();
            candidates.forEach(candidate -> confidences.add(candidate.path("confidence").asDouble()));
            assertThat(confidences).as("inspect's candidates").hasSizeGreaterThanOrEqualTo(5)
                    .allSatisfy(confidence -> assertThat(confidence).isGreaterThanOrEqualTo(0.5));
            assertThat(confidences.get(0)).as("the first candidate is the surest").isEqualTo(Collections.max(confidences));
            JsonNode spread = data(send(gateway.postJson(latest + "/normalize/inspect",
                    "{\"term\":\"senior software engineer\",\"limit\":5,\"confidenceThreshold\":0,\"fields\":[\"mapping\"]}")));
            assertThat(spread.findValues("socs").stream().map(socs -> socs.path(0).path("id").asText()).toList())
                    .as("inspect's first five candidates spread over occupations").hasSize(5).doesNotHaveDuplicates();

            JsonNode bulk = data(send(gateway.postJson(latest + "/normalize/bulk",
                    "{\"terms\":[\"cashier\",\"truck driver\",\"line cook\"]}")));
            assertThat(bulk).hasSize(3);
            assertThat(bulk.findValuesAsText("term")).containsExactly("cashier", "truck driver", "line cook");

            JsonNode found = data(send(get(gateway, latest + "/titles?q=nurse&limit=5")));
            assertThat(found).hasSize(5);
            String id = nurse.at("/title/id").asText();
            JsonNode title = data(send(get(gateway, latest + "/titles/" + id)));
            assertThat(title.path("name").asText()).isEqualTo(nurse.at("/title/name").asText());

            HttpResponse<String> stream = send(text(gateway, latest + "/normalize/stream", "cashier\nplumber\nchef\n"));
            assertThat(stream.body().lines().map(EveryPartShippedIT::json).map(line -> line.path("term").asText()))
                    .containsExactly("cashier", "plumber", "chef");

            assertThat(gateway.getAsWritten(latest + "/titles?q=100%")).as("a target that is no URI, as the packaged gateway answers it")
                    .startsWith("HTTP/1.1 400").contains("{\"errors\":[{\"status\":400,").contains("not a valid URI");
        }
    }

    @Test
    void lightcastWithRedisTokensBulkStreamAndTracesWorksEndToEnd() throws Exception {
        List<byte[]> exports = new CopyOnWriteArrayList<>();
        HttpServer collector = otlpCollector(exports);
        try (RedisServer redis = RedisServer.startOrSkip(new File("target/replicas/shipped-redis.log"));
                LightcastEmulator emulator = LightcastEmulator.start()) {
            Map<String, String> environment = Map.ofEntries(
                    Map.entry("LIGHTCAST_API_URL", emulator.apiUrl()), Map.entry("LIGHTCAST_AUTH_URL", emulator.authUrl()),
                    Map.entry("LIGHTCAST_CLIENT_ID", emulator.clientId()),
                    Map.entry("LIGHTCAST_CLIENT_SECRET", emulator.clientSecret()),
                    Map.entry("LIGHTCAST_BULK_ENABLED", "true"), Map.entry("LIGHTCAST_RATE_LIMIT", "20"),
                    Map.entry("TITLES_REDIS_URL", redis.url()),
                    Map.entry("TITLES_CLIENTS", "[{\"id\":\"" + CALLER + "\",\"secretHash\":\"" + TestSecrets.hash(SECRET) + "\"}]"),
                    Map.entry("TITLES_TOKEN_SIGNING_KEY",
                            Base64.getEncoder().encodeToString("a-shipped-signing-key-of-32-bytes-at-least".getBytes())),
                    Map.entry("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
                            "http://127.0.0.1:" + collector.getAddress().getPort()),
                    Map.entry("QUARKUS_OTEL_EXPORTER_OTLP_TRACES_PROTOCOL", "http/protobuf"),
                    Map.entry("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200MS"));
            String normalize = "/titles/versions/5.47/normalize";
            String term = "data scientist " + System.nanoTime();
            String id;
            try (GatewayProcess first = GatewayProcess.start("shipped-lightcast-1", environment).awaitReady()) {
                assertThat(send(text(first, normalize, term)).statusCode()).as("a caller without a token").isEqualTo(401);
                String token = callerToken(first);

                HttpResponse<String> miss = send(authorized(text(first, normalize, term), token));
                assertThat(miss.statusCode()).as(miss.body()).isEqualTo(200);
                assertThat(miss.headers().firstValue("X-Titles-Source")).hasValue("lightcast");
                id = data(miss).at("/title/id").asText();
                HttpResponse<String> hit = send(authorized(text(first, normalize, term), token));
                assertThat(hit.headers().firstValue("X-Cache")).hasValue("HIT");

                String lookup = "/titles/versions/5.47/titles/" + id;
                send(authorized(get(first, lookup), token));
                HttpResponse<String> lookupHit = send(authorized(get(first, lookup), token));
                assertThat(lookupHit.headers().firstValue("X-Cache")).as("a title at hand, from the router").hasValue("HIT");
                assertThat(data(lookupHit).path("id").asText()).isEqualTo(id);

                emulator.answerNextAtLength(3, 64L << 20, true); // each attempt's answer streams on past the limit
                HttpResponse<String> tooLong = send(authorized(get(first, "/titles/versions/5.47/titles/ET809917E2FA1A3029"), token));
                assertThat(tooLong.statusCode()).as(tooLong.body()).isEqualTo(502);
                assertThat(tooLong.body()).as("an answer cut off at its limit, not read whole").contains("LIGHTCAST_MAX_ANSWER_SIZE");

                List<String> lines = List.of("software engineer " + System.nanoTime(), "line cook " + System.nanoTime());
                HttpResponse<String> stream = send(authorized(text(first, normalize + "/stream", String.join("\n", lines)), token));
                assertThat(stream.body().lines().map(EveryPartShippedIT::json).map(line -> line.path("term").asText()))
                        .containsExactlyElementsOf(lines);
                assertThat(emulator.apiCalls("/normalize/bulk")).as("bulk calls Lightcast received").isNotEmpty();

                JsonNode ready = JSON.readTree(first.get("/q/health/ready").body());
                assertThat(ready.get("checks").findValuesAsText("name")).contains("redis");
            }
            List<ReceivedRequest> calls = emulator.apiCalls();
            assertThat(emulator.tokenRequests()).as("Lightcast tokens fetched").isPositive();
            assertThat(calls).as("every call with a Lightcast token").allSatisfy(call -> assertThat(call.bearer()).isNotBlank());
            assertThat(calls).as("calls carrying the trace context on to Lightcast")
                    .anySatisfy(call -> assertThat(call.traceparent()).isNotBlank());

            try (GatewayProcess second = GatewayProcess.start("shipped-lightcast-2", environment).awaitReady()) {
                int before = emulator.apiCalls().size();
                HttpResponse<String> shared = send(authorized(text(second, normalize, term), callerToken(second)));
                assertThat(shared.statusCode()).isEqualTo(200);
                assertThat(data(shared).at("/title/id").asText()).isEqualTo(id);
                assertThat(emulator.apiCalls().size() - before).as("calls a second replica made for what Redis holds")
                        .isZero();
            }
            Awaitility.await("spans exported over OTLP by the titles-gateway service").atMost(Duration.ofSeconds(60))
                    .until(() -> exports.stream().anyMatch(body -> new String(body, StandardCharsets.ISO_8859_1).contains("titles-gateway")));
        } finally {
            collector.stop(0);
        }
    }

    /** An OTLP/HTTP traces receiver that keeps every body it is sent. */
    private static HttpServer otlpCollector(List<byte[]> exports) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            exports.add(exchange.getRequestBody().readAllBytes());
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static String callerToken(GatewayProcess gateway) throws Exception {
        String form = "grant_type=client_credentials&client_id=" + CALLER + "&client_secret="
                + URLEncoder.encode(SECRET, StandardCharsets.UTF_8);
        HttpResponse<String> answer = send(HttpRequest.newBuilder(gateway.uri("/connect/token"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        return json(answer.body()).path("access_token").asText();
    }

    private static HttpRequest text(GatewayProcess gateway, String path, String body) {
        return HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(30)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private static HttpRequest get(GatewayProcess gateway, String path) {
        return HttpRequest.newBuilder(gateway.uri(path)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    private static HttpRequest authorized(HttpRequest request, String token) {
        return HttpRequest.newBuilder(request, (name, value) -> true).header("Authorization", "Bearer " + token).build();
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode data(HttpResponse<String> answer) {
        assertThat(answer.statusCode()).as("%s %s: %s", answer.request().method(), answer.uri(), answer.body()).isEqualTo(200);
        return json(answer.body()).path("data");
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception unreadable) {
            throw new AssertionError("not JSON: " + text, unreadable);
        }
    }
}
