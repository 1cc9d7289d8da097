package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;


import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;

/** The cache: one upstream call per key, hits without calls, stale answers on error, local projection and thresholds. */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class CacheTest extends EmulatedUpstreamTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String normalizeBody(String term) {
        return "{\"term\":\"" + term + "\"}";
    }

    @Test
    void fiftyConcurrentIdenticalRequestsMakeOneUpstreamCall() {
        List<HttpResponse<String>> answers = Callers.postJson(50, "/titles/versions/5.47/normalize",
                i -> normalizeBody("Data Scientist"));

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(answers).extracting(HttpResponse::body).containsOnly(answers.get(0).body());
        assertThat(emulator.apiCalls("/normalize")).hasSize(1);
        assertThat(emulator.apiCalls("/titles/versions/5.47")).as("version lookups coalesce too").hasSize(1);
    }

    /**
     * Two callers wait on one fetch; the first hangs up while Lightcast is still answering. The
     * second still gets the answer, from the one call, and the cache keeps it for the next.
     */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POST | /titles/versions/5.47/normalize                        | {\"term\":\"Data Scientist\"}                   | /normalize                 | Data Scientist",
        "POST | /titles/versions/5.47/normalize/inspect                | {\"term\":\"Data Scientist\"}                   | /normalize/inspect         | Data Scientist",
        "POST | /titles/versions/5.47/normalize/bulk                   | {\"terms\":[\"Data Scientist\",\"Line Cook\"]} | /normalize/bulk            | Line Cook",
        "GET  | /titles/versions/5.47/titles/ETD69B468E295FA01C        |                                                  | /titles/ETD69B468E295FA01C | Data Scientist",
        "GET  | /titles/versions/5.47/titles?q=nurse                   |                                                  | /5.47/titles               | Registered Nurse",
    })
    void aCallerWhoHangsUpDoesNotFailAnotherWaitingOnTheSameFetch(String method, String path, String body, String upstream,
            String answered) throws Exception {
        given().get("/titles/versions/5.47").then().statusCode(200); // the version is known: the one call left is the held one
        emulator.hold(upstream);
        try (Socket first = new Socket("localhost", RestAssured.port)) {
            String content = body == null ? "" : body;
            first.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + (body == null ? "" : "Content-Type: application/json\r\n") + "Content-Length: "
                    + content.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + content).getBytes(StandardCharsets.UTF_8));
            first.getOutputStream().flush();
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> emulator.apiCalls(upstream).size() == 1);
            var second = Callers.sendAsync(List.of(body == null ? Callers.getRequest(path) : Callers.postJsonRequest(path, body))).get(0);
            // time for the second to join the fetch before the first hangs up (joined or not, it may make no call of its
            // own: counted below); a bounded wait that can only make the test weaker on a slow machine, never fail it
            Awaitility.await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(5)).until(() -> !second.isDone());
            first.close();

            Awaitility.await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5))
                    .until(() -> !second.isDone()); // the first caller's leaving did not end it
            emulator.release();

            HttpResponse<String> answer = second.get(30, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).isEqualTo(200);
            assertThat(answer.body()).contains(answered);
        } finally {
            emulator.release();
        }
        assertThat(emulator.apiCalls(upstream)).as("one call for both callers").hasSize(1);
        given().contentType("application/json").body(body == null ? "" : body).request(method, path).then().statusCode(200)
                .header("X-Cache", "HIT");
        assertThat(emulator.apiCalls(upstream)).as("the answer was kept").hasSize(1);
    }

    /** Cache hits counted so far for {@code cache}. */
    private static double hits(String cache) {
        return io.titlesgateway.support.Metrics.value("titles_cache_answers_total", "cache=\"" + cache + "\",state=\"HIT\"");
    }

    /** An answer at hand: a hit from Lightcast's cache, with the headers every answer carries and the very bytes of {@code first}. */
    private static void answeredAtHandLike(io.restassured.response.ValidatableResponse answer, Response first) {
        answer.statusCode(200)
                .header("X-Cache", "HIT").header("X-Titles-Source", "lightcast")
                .header("Content-Type", org.hamcrest.Matchers.startsWith("application/json"))
                .header("X-Request-Id", org.hamcrest.Matchers.not(org.hamcrest.Matchers.emptyOrNullString()))
                .body(equalTo(first.asString()));
    }

    @Test
    void aTitleAtHandIsAnsweredWithTheBytesAndHeadersOfItsFirstAnswerAndNoCall() {
        String path = "/titles/versions/5.47/titles/" + io.titlesgateway.emulator.LightcastEmulator.idOf("Registered Nurse");
        Response first = given().get(path);
        first.then().statusCode(200);
        given().get(path.replace("5.47", "latest")).then().statusCode(200); // learns what latest is
        double hitsBefore = hits("lightcast-title");
        int callsBefore = emulator.apiCalls().size();

        for (int i = 0; i < 3; i++) {
            answeredAtHandLike(given().get(path).then(), first);
        }
        given().get(path.replace("5.47", "latest")).then().statusCode(200).header("X-Cache", "HIT").body(equalTo(first.asString()));

        assertThat(emulator.apiCalls()).as("calls for the hits").hasSize(callsBefore);
        assertThat(hits("lightcast-title"))
                .as("hits counted").isEqualTo(hitsBefore + 4);
        // what only the REST layer answers is still answered as before
        given().accept("text/plain").get(path).then().statusCode(406).body("errors[0].status", equalTo(406));
        given().get("/titles/versions/5.47/titles/not..an-id!").then().statusCode(400).body("errors[0].status", equalTo(400));
        String encoded = path.replace("/titles/ET", "/titles/%45T");
        given().urlEncodingEnabled(false).get(encoded).then().statusCode(200).body(equalTo(first.asString()));
        assertThat(emulator.apiCalls()).as("calls for an id the REST layer decodes").hasSize(callsBefore);
    }

    @Test
    void aSearchAtHandIsAnsweredWithTheBytesAndHeadersOfItsFirstAnswerAndNoCall() {
        String path = "/titles/versions/5.47/titles?q=nurse&limit=4&fields=id,name,mapping";
        Response first = given().get(path);
        first.then().statusCode(200).body("data.size()", org.hamcrest.Matchers.greaterThan(1));
        given().get(path.replace("5.47", "latest")).then().statusCode(200); // learns what latest is
        double hitsBefore = hits("lightcast-search");
        int callsBefore = emulator.apiCalls().size();

        for (int i = 0; i < 3; i++) {
            answeredAtHandLike(given().get(path).then(), first);
        }
        given().get(path.replace("5.47", "latest")).then().statusCode(200).header("X-Cache", "HIT").body(equalTo(first.asString()));
        given().get(path.replace("fields=id,name,mapping", "fields=name")).then().statusCode(200).header("X-Cache", "HIT")
                .body("data[0].keySet()", org.hamcrest.Matchers.contains("name"));

        assertThat(emulator.apiCalls()).as("calls for the hits").hasSize(callsBefore);
        assertThat(hits("lightcast-search"))
                .as("hits counted").isEqualTo(hitsBefore + 5);
        // what only the REST layer answers is still answered as before
        given().accept("text/plain").get(path).then().statusCode(406).body("errors[0].status", equalTo(406));
        given().get(path + "&page=0").then().statusCode(400).body("errors[0].status", equalTo(400));
        given().get(path.replace("fields=id,name,mapping", "fields=id,nonsense")).then().statusCode(400)
                .body("errors[0].status", equalTo(400));
        assertThat(emulator.apiCalls()).as("nothing refused reached Lightcast").hasSize(callsBefore);
    }

    @Test
    void aNormalizeAtHandIsAnsweredWithTheBytesAndHeadersOfItsFirstAnswerAndNoCall() {
        String path = "/titles/versions/5.47/normalize";
        String json = "{\"term\":\"Registered Nurse\",\"fields\":[\"id\",\"name\"]}";
        Response first = given().contentType("application/json").body(json).post(path);
        first.then().statusCode(200).header("X-Cache", "MISS").body("data.title.name", equalTo("Registered Nurse"));
        given().contentType("application/json").body(json).post(path.replace("5.47", "latest")).then().statusCode(200);
        given().contentType("text/plain").body("zzzz qqqq").post(path).then().statusCode(404); // no match, remembered
        double hitsBefore = hits("lightcast-normalize");
        int callsBefore = emulator.apiCalls().size();

        for (int i = 0; i < 3; i++) {
            answeredAtHandLike(given().contentType("application/json").body(json).post(path).then(), first);
        }
        given().contentType("text/plain; charset=UTF-8").body("registered   NURSE").post(path + "?fields=id,name").then().statusCode(200)
                .header("X-Cache", "HIT").body(equalTo(first.asString()));
        given().contentType("text/plain").body("Registered Nurse").post(path + "?fields=name").then().statusCode(200)
                .header("X-Cache", "HIT").body("data.title.keySet()", org.hamcrest.Matchers.contains("name"));

        assertThat(emulator.apiCalls()).as("calls for the hits").hasSize(callsBefore);
        assertThat(hits("lightcast-normalize"))
                .as("hits counted").isEqualTo(hitsBefore + 5);
        // what only the REST layer answers is still answered as before, the body it reads being the one the router read
        given().contentType("application/json").body("{\"term\":\"Registered Nurse\",\"confidenceThreshold\":1.5}").post(path)
                .then().statusCode(400).body("errors[0].status", equalTo(400));
        given().contentType("application/json").body("{\"term\":\"Registered Nurse\",\"surprise\":1}").post(path)
                .then().statusCode(400).body("errors[0].status", equalTo(400));
        given().contentType("application/json").body("{\"term\":").post(path).then().statusCode(400);
        given().contentType("text/plain").body("zzzz qqqq").post(path).then().statusCode(404).body("errors[0].status", equalTo(404));
        given().contentType("application/json").body(json).accept("text/plain").post(path).then().statusCode(406);
        assertThat(emulator.apiCalls()).as("nothing refused reached Lightcast").hasSize(callsBefore);
    }

    /**
     * A well-formed normalize is answered from the router even when its match must be fetched; a
     * body sent in chunks (no declared length) still goes through the REST layer. Both answer a
     * miss, and a miss Lightcast fails, alike: the same status, headers and envelope.
     */
    @ParameterizedTest
    @CsvSource({ "0, 200", "1, 400", "1, 404" })
    void aNormalizeMissIsAnsweredFromTheRouterAsTheRestLayerAnswersIt(int failures, int upstreamStatus) throws Exception {
        String path = "/titles/versions/5.47/normalize";
        given().get("/titles/versions/5.47").then().statusCode(200);
        HttpClient http1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<HttpResponse<String>> answers = new ArrayList<>();
        for (boolean chunked : List.of(false, true)) {
            emulator.failNext(failures, upstreamStatus);
            byte[] body = normalizeBody(chunked ? "Registered Nurse" : "Data Scientist").getBytes(StandardCharsets.UTF_8);
            HttpRequest.BodyPublisher publisher = chunked
                    ? HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))
                    : HttpRequest.BodyPublishers.ofByteArray(body);
            answers.add(http1.send(HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                    .header("Content-Type", "application/json").POST(publisher).build(), HttpResponse.BodyHandlers.ofString()));
        }
        HttpResponse<String> router = answers.get(0);
        HttpResponse<String> rest = answers.get(1);
        assertThat(router.statusCode()).isEqualTo(rest.statusCode());
        for (String header : List.of("Content-Type", "X-Cache", "X-Titles-Source", "Retry-After")) {
            assertThat(router.headers().firstValue(header)).as(header).isEqualTo(rest.headers().firstValue(header));
        }
        if (failures == 0) {
            assertThat(router.statusCode()).isEqualTo(200);
            assertThat(JSON.readTree(router.body()).at("/data/title/name").asText()).isNotEmpty();
            List<String> restFields = new ArrayList<>();
            JSON.readTree(rest.body()).at("/data").fieldNames().forEachRemaining(restFields::add);
            assertThat(JSON.readTree(router.body()).at("/data").fieldNames()).toIterable().containsExactlyElementsOf(restFields);
        } else {
            assertThat(router.statusCode()).isGreaterThanOrEqualTo(400);
            assertThat(router.body()).isEqualTo(rest.body()).startsWith("{\"errors\":[{\"status\":" + router.statusCode());
        }
        assertThat(emulator.apiCalls("/normalize")).as("each path made its own call").hasSize(2);
    }

    @Test
    void fiftyConcurrentIdenticalSearchesMakeOneUpstreamCall() {
        List<HttpResponse<String>> answers = Callers.get(50, "/titles/versions/latest/titles?q=nurse&limit=3");

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(emulator.apiCalls("/titles/versions/5.47/titles")).hasSize(1);
        assertThat(emulator.apiCalls("/titles/meta")).hasSize(1);
    }

    @Test
    void secondAnswerIsAHitWithoutAnUpstreamCall() {
        given().get("/titles/versions/5.47/changes").then().statusCode(200).header("X-Cache", "MISS");
        given().get("/titles/versions/5.47/changes").then().statusCode(200).header("X-Cache", "HIT");

        assertThat(emulator.apiCalls("/changes")).hasSize(1);
    }

    @Test
    void caseAndSpacingOfATermShareOneEntry() {
        given().contentType("application/json").body(normalizeBody("data scientist")).post("/titles/versions/5.47/normalize")
                .then().statusCode(200).header("X-Cache", "MISS");
        given().contentType("text/plain").body("  Data   SCIENTIST ").post("/titles/versions/5.47/normalize")
                .then().statusCode(200).header("X-Cache", "HIT");

        assertThat(emulator.apiCalls("/normalize")).hasSize(1);
    }

    @Test
    void aVersionLightcastDoesNotListIsA404WithoutACall() {
        given().get("/titles/versions").then().statusCode(200);
        emulator.reset();
        emulator.ratePerSecond(1000);

        given().get("/titles/versions/5.12/changes").then().statusCode(404)
                .body("errors[0].detail", equalTo("Unrecognized version: 5.12"));

        assertThat(emulator.apiCalls()).isEmpty();
    }

    @Test
    void latestIsResolvedThroughOneCachedMetaCall() {
        given().get("/titles/versions/latest/changes").then().statusCode(200);
        given().get("/titles/versions/latest").then().statusCode(200).body("data.version", equalTo("5.47"));
        given().contentType("application/json").body(normalizeBody("chef")).post("/titles/versions/latest/normalize")
                .then().statusCode(200);

        assertThat(emulator.apiCalls("/titles/meta")).hasSize(1);
        assertThat(emulator.apiCalls()).as("everything else is keyed by the concrete version")
                .extracting(ReceivedRequest::path).noneMatch(path -> path.contains("latest"));
    }

    @Test
    void aFailureIsNotCachedAndTheNextSuccessIs() {
        given().get("/titles/versions").then().statusCode(200);
        emulator.failNext(3, 503);
        given().get("/titles/versions/5.46/changes").then().statusCode(502);

        given().get("/titles/versions/5.46/changes").then().statusCode(200).header("X-Cache", "MISS");
        given().get("/titles/versions/5.46/changes").then().statusCode(200).header("X-Cache", "HIT");

        assertThat(emulator.apiCalls("/changes")).extracting(ReceivedRequest::status).containsExactly(503, 503, 503, 200);
    }

    @Test
    void staleAnswerIsServedWhenLightcastCannotAnswer() {
        String fresh = given().get("/titles/versions/5.47/changes").then().statusCode(200).extract().asString();
        caches.getCache(LightcastCache.CHANGES).orElseThrow().invalidateAll().await().indefinitely();
        emulator.failNext(3, 503);

        Response stale = given().get("/titles/versions/5.47/changes");

        stale.then().statusCode(200).header("X-Cache", "STALE").header("X-Titles-Source", "lightcast");
        assertThat(stale.asString()).isEqualTo(fresh);
        assertThat(emulator.apiCalls("/changes")).hasSize(4);
    }

    @Test
    void staleNormalizationsServeABulkCallWhenLightcastIsDown() {
        given().contentType("application/json").body("{\"terms\":[\"plumber\",\"chef\"]}")
                .post("/titles/versions/5.47/normalize/bulk").then().statusCode(200);
        caches.getCache(LightcastCache.NORMALIZE).orElseThrow().invalidateAll().await().indefinitely();
        emulator.resetNext(3);

        given().contentType("application/json").body("{\"terms\":[\"chef\",\"plumber\"]}")
                .post("/titles/versions/5.47/normalize/bulk")
                .then().statusCode(200).header("X-Cache", "STALE")
                .body("data.title.name", org.hamcrest.Matchers.contains("Chef", "Plumber"));
    }

    @Test
    void bulkSendsOnlyTheMissesUpstream() {
        given().contentType("application/json").body(normalizeBody("data scientist")).post("/titles/versions/5.47/normalize")
                .then().statusCode(200);

        given().contentType("application/json").body("{\"terms\":[\"Data Scientist\",\"plumber\",\"plumber\"]}")
                .post("/titles/versions/5.47/normalize/bulk")
                .then().statusCode(200).header("X-Cache", "MISS")
                .body("data.term", org.hamcrest.Matchers.contains("Data Scientist", "plumber", "plumber"))
                .body("data.title.name", org.hamcrest.Matchers.contains("Data Scientist", "Plumber", "Plumber"));
        given().contentType("application/json").body("{\"terms\":[\"plumber\",\"data scientist\"]}")
                .post("/titles/versions/5.47/normalize/bulk")
                .then().statusCode(200).header("X-Cache", "HIT");

        List<ReceivedRequest> bulkCalls = emulator.apiCalls("/normalize/bulk");
        assertThat(bulkCalls).hasSize(1);
        assertThat(bulkCalls.get(0).body()).contains("\"terms\":[\"plumber\"]");
    }

    @Test
    void titlesByIdFetchOnlyTheMissingIds() {
        String chef = io.titlesgateway.emulator.LightcastEmulator.idOf("Chef");
        String cook = io.titlesgateway.emulator.LightcastEmulator.idOf("Line Cook");
        given().contentType("application/json").body("{\"ids\":[\"" + chef + "\"]}").post("/titles/versions/5.47/titles")
                .then().statusCode(200);

        given().contentType("application/json").body("{\"ids\":[\"" + cook + "\",\"" + chef + "\"],\"fields\":[\"pluralName\"]}")
                .post("/titles/versions/5.47/titles")
                .then().statusCode(200).body("data.pluralName", org.hamcrest.Matchers.contains("Line Cooks", "Chefs"));

        List<ReceivedRequest> calls = emulator.apiCalls("/titles/versions/5.47/titles");
        assertThat(calls).hasSize(2);
        assertThat(calls.get(1).body()).contains("\"ids\":[\"" + cook + "\"]");
    }

    /** The gateway, serving from its threshold-0, widest-field cache, answers exactly as Lightcast would. */
    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "/normalize | {\"term\":\"data scientist\"}",
            "/normalize | {\"term\":\"senior data scientist\",\"confidenceThreshold\":0.9,\"fields\":[\"name\",\"mapping\"]}",
            "/normalize | {\"term\":\"senior data scientist\",\"confidenceThreshold\":0.75,\"fields\":[\"name\",\"pluralName\"]}",
            "/normalize | {\"term\":\"registered nurse\",\"fields\":[\"levelBand\",\"isSupervisor\",\"infoUrl\"]}",
            "/normalize/inspect | {\"term\":\"nurse\",\"confidenceThreshold\":0.3,\"limit\":2,\"fields\":[\"id\"]}",
            "/normalize/inspect | {\"term\":\"data scientist\",\"confidenceThreshold\":0.6}",
            "/normalize/inspect | {\"term\":\"software engineer\",\"limit\":0}",
            "/normalize/bulk | {\"terms\":[\"data scientist\",\"zzz\",\"nurse manager\",\"senior nurse\"],\"confidenceThreshold\":0.6,\"fields\":[\"name\"]}",
            "/normalize/bulk | {\"terms\":[\"chef\",\"sr chef\"],\"confidenceThreshold\":0.0}" })
    void cachedAnswersMatchUncachedOnes(String endpoint, String body) throws Exception {
        // warm the cache with a different threshold and fields, so the answer below comes from the cache
        String warm = body.replaceAll(",?\"(confidenceThreshold|fields|limit)\":(\\[[^]]*]|[0-9.]+)", "")
                .replace("{,", "{");
        given().contentType("application/json").body(warm).post("/titles/versions/5.47" + endpoint);
        int callsBefore = emulator.apiCalls().size();

        Response cached = given().contentType("application/json").body(body).post("/titles/versions/5.47" + endpoint);
        HttpResponse<String> direct = emulator.postDirectly("/versions/5.47" + endpoint, body);

        assertThat(emulator.apiCalls().size()).as("the compared answer came from the cache").isEqualTo(callsBefore + 1);
        assertThat(cached.statusCode()).isEqualTo(direct.statusCode());
        if (direct.statusCode() == 200) {
            assertThat(JSON.readTree(cached.asString())).isEqualTo(JSON.readTree(direct.body()));
        }
    }
}
