package io.titlesgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.Metrics;
import io.titlesgateway.support.StreamCall;
import io.titlesgateway.support.Terms;
import io.vertx.core.Vertx;

/**
 * {@code /normalize/stream} against Lightcast with bulk access: one line out per line in, in order,
 * de-duplicated and cache first, misses in bulk calls within Lightcast's limits, a bad or
 * unanswerable line never breaking the stream, and back-pressure from the caller to the body.
 */
@QuarkusTest
@TestProfile(StreamTest.WithBulkAccess.class)
@WithTestResource(LightcastEmulatorResource.class)
class StreamTest extends EmulatedUpstreamTest {

    public static class WithBulkAccess implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            // answers the tests hold back must not time out while held: that would be a failure of its own
            return Map.of("lightcast.bulk.enabled", "true", "titles.stream-max-concurrent", "4",
                    "quarkus.rest-client.lightcast.read-timeout", "30000");
        }
    }

    static final String PATH = "/titles/versions/5.47/normalize/stream";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    Vertx vertx;

    private static List<JsonNode> parsed(List<String> lines) throws Exception {
        List<JsonNode> nodes = new ArrayList<>();
        for (String line : lines) {
            nodes.add(JSON.readTree(line));
        }
        return nodes;
    }

    private List<JsonNode> stream(String contentType, List<String> body) throws Exception {
        try (StreamCall call = StreamCall.open(vertx, PATH, contentType, false)) {
            assertThat(call.write(body, Duration.ofSeconds(30))).isTrue();
            call.end();
            List<String> lines = call.all(Duration.ofSeconds(60));
            assertThat(call.status()).isEqualTo(200);
            assertThat(call.header("Content-Type")).isEqualTo("application/x-ndjson");
            assertThat(call.header("X-Titles-Source")).isEqualTo("lightcast");
            return parsed(lines);
        }
    }

    /** Every term sent upstream, through every bulk call; and no call over Lightcast's limits. */
    private List<String> termsSentInBulk() {
        assertThat(emulator.apiCalls("/normalize/bulk")).allSatisfy(call -> assertThat(call.status()).isEqualTo(200));
        List<String> sent = new ArrayList<>();
        for (List<String> terms : emulator.bulkTerms()) {
            assertThat(terms).hasSizeLessThanOrEqualTo(500);
            assertThat(terms).allSatisfy(term -> assertThat(term.getBytes(StandardCharsets.UTF_8).length).isLessThanOrEqualTo(1024));
            sent.addAll(terms);
        }
        return sent;
    }

    @Test
    void oneLineOutPerLineInInOrderEachDistinctTermSentOnce() throws Exception {
        List<String> distinct = Terms.distinct(600);
        List<String> body = new ArrayList<>();
        for (int i = 0; i < 1_200; i++) {
            body.add(i % 2 == 0 ? distinct.get(i / 2) : distinct.get((i * 7) % 600).toUpperCase());
        }

        List<JsonNode> out = stream("text/plain", body);

        assertThat(out).hasSize(1_200);
        for (int i = 0; i < out.size(); i++) {
            assertThat(out.get(i).get("term").asText()).isEqualTo(body.get(i));
            assertThat(out.get(i).has("confidence")).isTrue();
            assertThat(out.get(i).has("jobLevels")).isTrue();
        }
        List<String> sent = termsSentInBulk();
        assertThat(sent).as("each distinct term once, whatever its case").hasSize(600);
        assertThat(new HashSet<>(sent.stream().map(String::toLowerCase).toList())).hasSize(600);
        assertThat(emulator.apiCalls("/normalize/bulk")).hasSizeLessThanOrEqualTo(3);
        assertThat(emulator.apiCalls("/normalize")).as("no single calls").isEmpty();
    }

    @Test
    void answersMatchWhatBulkNormalizeGives() throws Exception {
        List<String> body = List.of("data scientist", "sr. data scientist", "zzzz qqqq", "registered nurse");

        List<JsonNode> streamed = stream("text/plain", body);
        JsonNode bulk = JSON.readTree(RestAssured.given().contentType("application/json")
                .body("{\"terms\":[\"data scientist\",\"sr. data scientist\",\"zzzz qqqq\",\"registered nurse\"]}")
                .post("/titles/versions/5.47/normalize/bulk").asString()).get("data");

        assertThat(streamed).containsExactlyElementsOf(bulk);
    }

    @Test
    void ndjsonInWithBadLinesGivesErrorLinesAndGoesOn() throws Exception {
        String tooLong = "x".repeat(1_025);
        List<String> body = List.of("{\"term\":\"chef\"}", "not json", "{\"term\":42}", "", "{\"term\":\"" + tooLong + "\"}",
                "{\"term\":\"plumber\",\"extra\":1}", "{\"term\":\"  \"}", "{\"term\":\"plumber\",\"term\":\"baker\"}",
                "{\"term\":\"plumber\"}", "{\"term\":\"roofer \\ud800\"}", "{\"term\":\"mason\"}{\"term\":\"baker\"}",
                "{\"term\":\"chef \\ud83d\\udc68\"}");

        List<JsonNode> out = stream("application/x-ndjson", body);

        assertThat(out).hasSize(body.size());
        assertThat(out.get(0).at("/title/name").asText()).isEqualTo("Chef");
        assertThat(out.get(1).at("/error/status").asInt()).isEqualTo(400);
        assertThat(out.get(2).at("/error/status").asInt()).isEqualTo(400);
        assertThat(out.get(3).at("/error/status").asInt()).isEqualTo(400);
        assertThat(out.get(4).at("/error/status").asInt()).isEqualTo(413);
        assertThat(out.get(5).at("/error/status").asInt()).isEqualTo(400);
        assertThat(out.get(6).at("/error/status").asInt()).isEqualTo(400);
        assertThat(out.get(7).at("/error/status").asInt()).as("a key given twice").isEqualTo(400);
        assertThat(out.get(8).at("/title/name").asText()).isEqualTo("Plumber");
        assertThat(out.get(9).at("/error/detail").asText()).as("half of a surrogate pair alone").contains("must be Unicode text");
        assertThat(out.get(10).at("/error/status").asInt()).as("a second object after the first").isEqualTo(400);
        assertThat(out.get(11).has("error")).as("a whole surrogate pair: %s", out.get(11)).isFalse();
        assertThat(termsSentInBulk()).containsExactlyInAnyOrder("chef", "plumber", "chef \ud83d\udc68");
    }

    @Test
    void aStreamOfCachedTermsCostsNoUpstreamCall() throws Exception {
        List<String> body = Terms.distinct(50);
        stream("text/plain", body);
        int calls = emulator.apiCalls().size();

        List<JsonNode> again = stream("text/plain", body);

        assertThat(again).hasSize(50);
        assertThat(emulator.apiCalls()).hasSize(calls);
    }

    /** Lines whose bulk call fails get error lines of their own; the lines before and after are answered. */
    @Test
    void anUpstreamFailureInTheMiddleFailsOnlyTheLinesItConcerns() throws Exception {
        List<String> cachedFirst = Terms.distinct(500);
        stream("text/plain", cachedFirst);
        emulator.failNext(3, 503); // the first attempt and both retries of the next bulk call

        List<String> body = new ArrayList<>(cachedFirst);
        body.addAll(List.of("welder 1", "welder 2", "welder 3"));
        List<JsonNode> out = stream("text/plain", body);

        assertThat(out).hasSize(503);
        assertThat(out.subList(0, 500)).allSatisfy(line -> assertThat(line.has("error")).isFalse());
        assertThat(out.subList(500, 503)).allSatisfy(line -> {
            assertThat(line.at("/error/status").asInt()).isEqualTo(502);
            assertThat(line.at("/error/detail").asText()).isNotBlank();
        });
        assertThat(out.get(501).get("term").asText()).isEqualTo("welder 2");
        assertThat(emulator.apiCalls("/normalize/bulk")).extracting(ReceivedRequest::status).endsWith(503, 503, 503);
    }

    @Test
    void resultsLeaveBeforeTheInputEnds() throws Exception {
        try (StreamCall call = StreamCall.open(vertx, PATH, "text/plain", false)) {
            call.write(Terms.distinct(10), Duration.ofSeconds(10));

            assertThat(call.awaitLines(10, Duration.ofSeconds(20))).as("answers while the body is still open").isTrue();

            call.write(List.of("chef"), Duration.ofSeconds(10));
            call.end();
            assertThat(call.all(Duration.ofSeconds(20))).hasSize(11);
        }
    }

    /**
     * 200,000 lines of about 200 bytes (40 MB): while the caller reads nothing, the gateway stops
     * reading the body, so the caller's writes stall; once it reads, every line arrives, in order.
     */
    @Test
    void aCallerThatDoesNotReadStopsTheGatewayReadingAndMemoryStaysBounded() throws Exception {
        String padding = " " + "x".repeat(180);
        List<String> terms = Terms.distinct(1_000).stream().map(term -> term + padding).toList();
        List<String> body = IntStream.range(0, 200_000).mapToObj(i -> terms.get(i % terms.size())).toList();

        try (StreamCall call = StreamCall.open(vertx, PATH, "text/plain", true)) {
            boolean allWritten = call.write(body, Duration.ofSeconds(5));
            long writtenWhileNotReading = call.linesWritten();

            assertThat(allWritten).as("writes stall while the answer is not read").isFalse();
            assertThat(writtenWhileNotReading).isLessThan(200_000);

            call.resumeReading();
            assertThat(call.write(body.subList((int) writtenWhileNotReading, body.size()), Duration.ofSeconds(120))).isTrue();
            call.end();
            List<String> out = call.all(Duration.ofSeconds(120));
            assertThat(out).hasSize(200_000);
            for (int i = 0; i < out.size(); i += 997) {
                assertThat(JSON.readTree(out.get(i)).get("term").asText()).isEqualTo(body.get(i).strip());
            }
        }
        assertThat(termsSentInBulk()).hasSize(1_000);
    }

    /** A caller that goes away stops the work it caused: the rest of its body is never read nor sent upstream. */
    @Test
    void aCallerThatLeavesStopsItsUpstreamWork() throws Exception {
        emulator.hold("/normalize/bulk");
        try (Socket socket = openStream(Terms.distinct(5_000))) {
            awaitBulkCalls(1);
        }
        awaitNoOpenStream();
        emulator.release();

        // what must not happen has no event to wait for: give it ample time to happen
        Thread.sleep(1_500);
        assertThat(emulator.apiCalls("/normalize/bulk")).as("only the call under way when it left; ten would answer the body")
                .hasSize(1);
    }

    /** A call in flight when its caller left is not retried when it fails: nobody waits for its answer. */
    @Test
    void aCallWhoseCallerLeftIsNotRetried() throws Exception {
        RestAssured.given().get("/titles/versions/5.47").then().statusCode(200); // the version is known: the next call is the bulk one
        emulator.failNext(1, 503);
        emulator.hold("/normalize/bulk");
        try (Socket socket = openStream(Terms.distinct(400))) {
            awaitBulkCalls(1);
        }
        awaitNoOpenStream();
        emulator.release();

        Thread.sleep(1_500); // the retry would come 50 ms after the 503
        assertThat(emulator.apiCalls("/normalize/bulk")).as("the failed call, and no retry").hasSize(1);
        assertThat(emulator.apiCalls("/normalize/bulk").get(0).status()).isEqualTo(503);
    }

    /** A chunked stream of {@code lines}, sent whole, its answer begun; the caller leaves when the socket closes. */
    private static Socket openStream(List<String> lines) throws Exception {
        Socket socket = new Socket("localhost", RestAssured.port);
        OutputStream out = socket.getOutputStream();
        out.write(("POST " + PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] chunk = (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(chunk);
        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = socket.getInputStream();
        assertThat(in.read(new byte[1])).as("the answer has begun").isEqualTo(1);
        return socket;
    }

    private void awaitBulkCalls(int count) {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> emulator.apiCalls("/normalize/bulk").size() >= count);
    }

    /** The gateway has seen every stream's caller leave, and cancelled what they caused. */
    private static void awaitNoOpenStream() {
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Metrics.value("titles_streams_open") == 0);
    }

    @Test
    void badOptionsAreRefusedBeforeTheBodyIsRead() {
        RestAssured.given().contentType("application/json").body("{\"term\":\"chef\"}").post(PATH)
                .then().statusCode(415).body("errors[0].status", org.hamcrest.Matchers.equalTo(415));
        RestAssured.given().contentType("text/plain").body("chef").post(PATH + "?confidenceThreshold=2")
                .then().statusCode(400).body("errors[0].detail", org.hamcrest.Matchers.containsString("confidenceThreshold"));
        RestAssured.given().contentType("text/plain").body("chef").post(PATH + "?fields=salary")
                .then().statusCode(400);
        RestAssured.given().contentType("text/plain").body("chef").post("/titles/versions/9.99/normalize/stream")
                .then().statusCode(404).body("errors[0].status", org.hamcrest.Matchers.equalTo(404));
        assertThat(emulator.apiCalls("/normalize/bulk")).isEmpty();
        assertThat(emulator.apiCalls("/normalize")).isEmpty();
    }

    @Test
    void streamsBeyondTheBoundAreRefusedUntilOneEnds() throws Exception {
        List<StreamCall> open = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                StreamCall call = StreamCall.open(vertx, PATH, "text/plain", false);
                open.add(call);
                assertThat(call.status()).isEqualTo(200);
            }

            RestAssured.given().contentType("text/plain").body("chef").post(PATH)
                    .then().statusCode(503).header("Retry-After", "1")
                    .body("errors[0].detail", org.hamcrest.Matchers.containsString("4 streams"));

            open.get(0).end();
            open.get(0).all(Duration.ofSeconds(10));
            RestAssured.given().contentType("text/plain").body("chef").post(PATH).then().statusCode(200);
        } finally {
            open.forEach(StreamCall::close);
        }
    }

    @Test
    void theStreamIsInTheApiDescription() {
        RestAssured.given().get("/q/openapi").then().statusCode(200)
                .body(org.hamcrest.Matchers.containsString("/titles/versions/{version}/normalize/stream:"))
                .body(org.hamcrest.Matchers.containsString("application/x-ndjson"));
    }
}
