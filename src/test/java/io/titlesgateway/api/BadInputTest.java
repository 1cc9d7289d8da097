package io.titlesgateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.LogRecords;
import io.titlesgateway.support.RawRequests;

/** Bad input gets a clear 4xx in the error envelope, and the upstream never hears of it. */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class BadInputTest extends EmulatedUpstreamTest {

    private static final String V = "/titles/versions/latest";
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain; charset=utf-8";
    /** 600 characters but 1,200 bytes in UTF-8: over the 1 kB limit only when counted as upstream counts. */
    private static final String OVER_1KB_IN_BYTES = "é".repeat(600);

    record Case(String name, String method, String path, String contentType, String body, int status, String detail) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Case> badRequests() {
        return Stream.of(
                new Case("blank term", "POST", V + "/normalize", JSON, "{\"term\":\"   \"}", 400, "term: must not be blank"),
                new Case("missing term", "POST", V + "/normalize", JSON, "{}", 400, "term: must not be blank"),
                new Case("missing JSON body", "POST", V + "/normalize", JSON, "", 400, "JSON body with a term is required"),
                new Case("term over 1 kB in UTF-8 bytes", "POST", V + "/normalize", JSON,
                        "{\"term\":\"" + OVER_1KB_IN_BYTES + "\"}", 413, "term: must be at most 1024 bytes in UTF-8"),
                new Case("plain-text term over 1 kB", "POST", V + "/normalize", TEXT, OVER_1KB_IN_BYTES, 413, "at most 1024 bytes"),
                new Case("blank plain-text body", "POST", V + "/normalize", TEXT, " \n ", 400, "it is empty"),
                new Case("inspect term over 1 kB", "POST", V + "/normalize/inspect", JSON,
                        "{\"term\":\"" + OVER_1KB_IN_BYTES + "\"}", 413, "1024 bytes"),
                new Case("more than 500 bulk terms", "POST", V + "/normalize/bulk", JSON, bulkOf(501), 413,
                        "terms: must hold at most 500 terms"),
                new Case("more than 500 plain-text bulk lines", "POST", V + "/normalize/bulk", TEXT,
                        "cook\n".repeat(501), 413, "at most 500 terms"),
                new Case("empty bulk terms", "POST", V + "/normalize/bulk", JSON, "{\"terms\":[]}", 400, "at least one term"),
                new Case("blank bulk term", "POST", V + "/normalize/bulk", JSON, "{\"terms\":[\"cook\",\" \"]}", 400,
                        "terms[1]: must not be blank"),
                new Case("bulk term over 1 kB", "POST", V + "/normalize/bulk", JSON,
                        "{\"terms\":[\"cook\",\"" + OVER_1KB_IN_BYTES + "\"]}", 413, "terms[1]"),
                new Case("empty plain-text bulk", "POST", V + "/normalize/bulk", TEXT, "\n\n", 400, "at least one raw title"),
                new Case("empty ids", "POST", V + "/titles", JSON, "{\"ids\":[]}", 400, "ids: must hold at least one id"),
                new Case("missing ids", "POST", V + "/titles", JSON, "{\"fields\":[\"id\"]}", 400, "ids: must not be null"),
                new Case("null id", "POST", V + "/titles", JSON, "{\"ids\":[\"ET1\",null]}", 400, "ids[1]: must not be null"),
                new Case("more than 1,000 ids", "POST", V + "/titles", JSON,
                        "{\"ids\":[" + "\"ET1\",".repeat(1000) + "\"ET1\"]}", 413, "ids: must hold at most 1000 ids"),
                new Case("negative inspect limit", "POST", V + "/normalize/inspect", JSON, "{\"term\":\"cook\",\"limit\":-1}",
                        400, "limit: must be greater than or equal to 0"),
                new Case("negative threshold", "POST", V + "/normalize", JSON,
                        "{\"term\":\"cook\",\"confidenceThreshold\":-0.5}", 400, "confidenceThreshold: must be greater than or equal to 0"),
                new Case("id outside the alphabet", "POST", V + "/titles", JSON, "{\"ids\":[\"../meta\"]}", 400, "ids[0]"),
                new Case("threshold above 1", "POST", V + "/normalize", JSON,
                        "{\"term\":\"cook\",\"confidenceThreshold\":1.5}", 400, "confidenceThreshold"),
                new Case("negative plain-text threshold", "POST", V + "/normalize?confidenceThreshold=-0.1", TEXT, "cook", 400,
                        "confidenceThreshold must be a number from 0 to 1"),
                new Case("non-numeric plain-text threshold", "POST", V + "/normalize?confidenceThreshold=abc", TEXT, "cook",
                        400, "confidenceThreshold must be a number from 0 to 1"),
                new Case("NaN threshold", "POST", V + "/normalize/bulk?confidenceThreshold=NaN", TEXT, "cook", 400,
                        "confidenceThreshold"),
                new Case("a search's q given twice", "GET", V + "/titles?q=nurse&q=cook", null, null, 400,
                        "The query parameter q appears more than once"),
                new Case("fields given twice", "GET", V + "/titles?q=cook&fields=id&fields=name", null, null, 400,
                        "a list is one comma-separated value"),
                new Case("a text threshold given twice", "POST", V + "/normalize?confidenceThreshold=0.5&confidenceThreshold=0.9", TEXT,
                        "cook", 400, "confidenceThreshold appears more than once"),
                new Case("a stream's fields given twice", "POST", V + "/normalize/stream?fields=id&fields=name", TEXT, "cook\n", 400,
                        "fields appears more than once"),
                new Case("a threshold with Java's type suffix", "POST", V + "/normalize?confidenceThreshold=0.5d", TEXT, "cook", 400,
                        "confidenceThreshold must be a number from 0 to 1"),
                new Case("a threshold as a hexadecimal fraction", "POST", V + "/normalize/inspect?confidenceThreshold=0x1p-1", TEXT,
                        "cook", 400, "confidenceThreshold must be a number from 0 to 1"),
                new Case("a limit in Arabic-Indic digits", "GET", V + "/titles?q=cook&limit=%D9%A5", null, null, 400,
                        "limit must be a whole number from 1 to 1000"),
                new Case("inspect limit above 100", "POST", V + "/normalize/inspect", JSON, "{\"term\":\"cook\",\"limit\":101}",
                        400, "limit: must be less than or equal to 100"),
                new Case("negative plain-text inspect limit", "POST", V + "/normalize/inspect?limit=-1", TEXT, "cook", 400,
                        "limit must be a whole number from 0 to 100"),
                new Case("unknown JSON key", "POST", V + "/normalize", JSON, "{\"term\":\"cook\",\"threshold\":0.2}", 400,
                        "Unknown key 'threshold'"),
                new Case("unknown key in bulk", "POST", V + "/normalize/bulk", JSON, "{\"terms\":[\"cook\"],\"limit\":3}", 400,
                        "Unknown key 'limit'"),
                new Case("malformed JSON", "POST", V + "/normalize", JSON, "{\"term\": \"cook\"", 400, "not valid JSON"),
                new Case("a key given twice", "POST", V + "/normalize", JSON, "{\"term\":\"nurse\",\"term\":\"cook\"}", 400,
                        "Key 'term' appears more than once"),
                new Case("bulk terms given twice", "POST", V + "/normalize/bulk", JSON, "{\"terms\":[\"cook\"],\"terms\":[\"chef\"]}",
                        400, "Key 'terms' appears more than once"),
                new Case("a second document after the body", "POST", V + "/normalize", JSON, "{\"term\":\"nurse\"}{\"term\":\"cook\"}",
                        400, "not valid JSON"),
                new Case("text after the bulk body", "POST", V + "/normalize/bulk", JSON, "{\"terms\":[\"cook\"]} chef", 400,
                        "not valid JSON"),
                new Case("half of a surrogate pair in a term", "POST", V + "/normalize", JSON, "{\"term\":\"nurse \\ud800\"}", 400,
                        "term: must be Unicode text"),
                new Case("half of a surrogate pair in a bulk term", "POST", V + "/normalize/bulk", JSON,
                        "{\"terms\":[\"cook\",\"\\udc00 baker\"]}", 400, "terms[1]: must be Unicode text"),
                new Case("half of a surrogate pair to inspect", "POST", V + "/normalize/inspect", JSON,
                        "{\"term\":\"welder \\ud83d\"}", 400, "term: must be Unicode text"),
                new Case("JSON array instead of object", "POST", V + "/normalize", JSON, "[\"cook\"]", 400, "JSON"),
                new Case("term of the wrong type", "POST", V + "/normalize", JSON, "{\"term\":{\"a\":1}}", 400,
                        "Invalid value for 'term'"),
                new Case("threshold of the wrong type", "POST", V + "/normalize", JSON,
                        "{\"term\":\"cook\",\"confidenceThreshold\":\"high\"}", 400, "Invalid value for 'confidenceThreshold'"),
                new Case("number where a string is expected", "POST", V + "/normalize", JSON, "{\"term\":42}", 400,
                        "Invalid value for 'term'"),
                new Case("boolean where a string is expected", "POST", V + "/normalize/inspect", JSON, "{\"term\":true}", 400,
                        "Invalid value for 'term'"),
                new Case("fraction where a whole number is expected", "POST", V + "/normalize/inspect", JSON,
                        "{\"term\":\"cook\",\"limit\":2.5}", 400, "Invalid value for 'limit'"),
                new Case("whole number as a string", "POST", V + "/normalize/inspect", JSON,
                        "{\"term\":\"cook\",\"limit\":\"3\"}", 400, "Invalid value for 'limit'"),
                new Case("threshold as a numeric string", "POST", V + "/normalize/bulk", JSON,
                        "{\"terms\":[\"cook\"],\"confidenceThreshold\":\"0.5\"}", 400, "Invalid value for 'confidenceThreshold'"),
                new Case("number among bulk terms", "POST", V + "/normalize/bulk", JSON, "{\"terms\":[\"cook\",5]}", 400,
                        "Invalid value for 'terms[1]'"),
                new Case("number as an id", "POST", V + "/titles", JSON, "{\"ids\":[123]}", 400, "Invalid value for 'ids[0]'"),
                new Case("number among fields", "POST", V + "/normalize", JSON, "{\"term\":\"cook\",\"fields\":[\"id\",7]}", 400,
                        "Invalid value for 'fields[1]'"),
                new Case("one field where a list is expected", "POST", V + "/normalize", JSON, "{\"term\":\"cook\",\"fields\":\"id\"}",
                        400, "Invalid value for 'fields'"),
                new Case("unknown field", "POST", V + "/normalize", JSON, "{\"term\":\"cook\",\"fields\":[\"salary\"]}", 400,
                        "Unknown field 'salary'"),
                new Case("empty fields", "POST", V + "/titles", JSON, "{\"ids\":[\"ET0000000000000000\"],\"fields\":[]}", 400,
                        "fields must name at least one"),
                new Case("unknown field in query", "GET", V + "/titles?fields=id,secret", null, null, 400, "Unknown field 'secret'"),
                new Case("zero limit", "GET", V + "/titles?limit=0", null, null, 400, "limit must be a whole number from 1"),
                new Case("non-numeric limit", "GET", V + "/titles?limit=ten", null, null, 400, "limit must be a whole number"),
                new Case("zero page", "GET", V + "/titles?page=0", null, null, 400, "page must be a whole number"),
                new Case("search text over 1 kB", "GET", V + "/titles?q=" + "%C3%A9".repeat(600), null, null, 413, "q: must be at most"),
                new Case("search text whose escapes are not UTF-8", "GET", V + "/titles?q=%C0%AEcook", null, null, 400,
                        "percent-escapes must spell UTF-8"),
                new Case("half of a UTF-8 character in a query option", "POST", V + "/normalize?fields=id,%C3", TEXT, "cook", 400,
                        "percent-escapes must spell UTF-8"),
                new Case("a surrogate encoded in UTF-8's form in a search", "GET", V + "/titles?q=%ED%A0%80", null, null, 400,
                        "percent-escapes must spell UTF-8"),
                new Case("matrix parameters in the path", "GET", "/titles;x=1/versions/5.47/titles?q=cook", null, null, 400,
                        "matrix parameters"),
                new Case("XML body", "POST", V + "/normalize", "application/xml", "<term>cook</term>", 415,
                        "Accepted Content-Type(s): application/json, text/plain"),
                new Case("plain text where only JSON is taken", "POST", V + "/titles", TEXT, "ET0000000000000000", 415,
                        "Accepted Content-Type(s): application/json"),
                new Case("JSON to the stream", "POST", V + "/normalize/stream", JSON, "{\"term\":\"cook\"}", 415,
                        "Accepted Content-Type(s): text/plain, application/x-ndjson"),
                new Case("version with a dot-dot", "GET", "/titles/versions/..%2F..%2Fmeta", null, null, 400, "version must be"),
                new Case("version with a control character", "GET", "/titles/versions/5.47%00", null, null, 400, "version must be"),
                new Case("overlong version", "GET", "/titles/versions/" + "1".repeat(40), null, null, 400, "version must be"),
                new Case("version Lightcast cannot know", "GET", "/titles/versions/onet-30.0", null, null, 404,
                        "Unrecognized version: onet-30.0"),
                new Case("title id with an encoded slash", "GET", V + "/titles/ET00%2F..%2Fmeta", null, null, 400, "title id must be"),
                new Case("title id with a space", "GET", V + "/titles/ET00%20X", null, null, 400, "title id must be"),
                new Case("title id of the wrong shape", "GET", V + "/titles/mappings", null, null, 404, "Unrecognized title id"),
                new Case("unknown path", "GET", "/titles/versions/latest/skills", null, null, 404, "No endpoint at"),
                new Case("wrong method", "DELETE", "/titles/meta", null, null, 405, "Method not allowed"));
    }

    private static String bulkOf(int count) {
        return "{\"terms\":[" + String.join(",", java.util.Collections.nCopies(count, "\"cook\"")) + "]}";
    }

    @AfterEach
    void upstreamHeardNothing() {
        assertThat(emulator.apiCalls()).as("calls that reached the upstream").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRequests")
    void isRefusedInTheEnvelopeBeforeTheUpstream(Case bad) {
        RequestSpecification request = given().urlEncodingEnabled(false);
        if (bad.contentType() != null) {
            request = request.contentType(bad.contentType()).body(bad.body());
        }
        Response response = request.when().request(bad.method(), bad.path());
        response.then()
                .statusCode(bad.status())
                .contentType(containsString("application/json"))
                .body("errors[0].status", equalTo(bad.status()))
                .body("errors[0].title", not(equalTo(null)))
                .body("errors[0].detail", containsString(bad.detail()))
                .body(not(containsString("at io.")))
                .body(not(containsString("Exception")));
    }

    /** Each endpoint's 415 names exactly what that endpoint takes. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "/normalize        | application/json, text/plain",
            "/normalize/inspect | application/json, text/plain",
            "/normalize/bulk   | application/json, text/plain",
            "/normalize/stream | text/plain, application/x-ndjson",
            "/titles           | application/json" })
    void aRefusedTypeIsToldWhatThatEndpointTakes(String path, String accepted) {
        given().contentType("application/xml").body("<term>cook</term>").post(V + path)
                .then().statusCode(415).body("errors[0].detail", equalTo("Accepted Content-Type(s): " + accepted));
    }

    /** A body with no Content-Type at all is not guessed to be text: 415, before anything reads it. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = { "/normalize", "/normalize/inspect", "/normalize/bulk",
            "/normalize/stream", "/titles" })
    void aBodyWithoutAContentTypeIsRefusedWith415(String path) throws Exception {
        HttpResponse<String> answer = raw("POST", V + path, null, "cook".getBytes(StandardCharsets.UTF_8));
        assertThat(answer.statusCode()).isEqualTo(415);
        assertThat(answer.body()).contains("\"status\":415").contains("Accepted Content-Type(s): ");
    }

    /** A Content-Type that is no media type at all (only separators) is a 400 on every body endpoint, never a 500. */
    @ParameterizedTest(name = "{0} {1}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "/normalize | ;;;", "/normalize | ;", "/normalize/inspect | ;;;", "/normalize/bulk | ;", "/normalize/stream | ;;;",
            "/titles | ;" })
    void aContentTypeOfNoMediaTypeIsA400(String path, String contentType) throws Exception {
        HttpResponse<String> answer = raw("POST", V + path, contentType, "cook".getBytes(StandardCharsets.UTF_8));
        assertThat(answer.statusCode()).as(answer.body()).isBetween(400, 415);
        assertThat(answer.body()).contains("\"errors\":[{\"status\":" + answer.statusCode());
    }

    /** Text that is not UTF-8 is refused, never sent upstream with its bytes replaced. */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = { "/normalize", "/normalize/inspect", "/normalize/bulk" })
    void plainTextThatIsNotUtf8IsRefused(String path) throws Exception {
        byte[] latin1 = "caf\u00e9 manager".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> answer = raw("POST", V + path, TEXT, latin1);
        assertThat(answer.statusCode()).isEqualTo(400);
        assertThat(answer.body()).contains("\"status\":400").contains("not valid UTF-8");
    }

    @Test
    void everyFaultOfABodyIsListedAndOneOverALimitMakesIt413() {
        given().contentType(JSON).body("{\"terms\":[\" \",\"" + OVER_1KB_IN_BYTES + "\"],\"confidenceThreshold\":2}")
                .post(V + "/normalize/bulk")
                .then().statusCode(413)
                .body("errors.detail", equalTo(List.of("confidenceThreshold: must be less than or equal to 1",
                        "terms[0]: must not be blank", "terms[1]: must be at most 1024 bytes in UTF-8")))
                .body("errors.status", equalTo(List.of(413, 413, 413)));
        given().contentType(JSON).body("{\"term\":\"\",\"limit\":500}").post(V + "/normalize/inspect")
                .then().statusCode(400)
                .body("errors.detail", equalTo(List.of("limit: must be less than or equal to 100", "term: must not be blank")));
    }

    @Test
    void aListFarOverItsLimitIsAnsweredWithNoMoreItemsThanTheLimitAllows() {
        String blankTerms = "{\"terms\":[" + String.join(",", java.util.Collections.nCopies(100_000, "\"\"")) + "]}";
        List<String> details = given().contentType(JSON).body(blankTerms).post(V + "/normalize/bulk")
                .then().statusCode(413).extract().jsonPath().getList("errors.detail", String.class);
        assertThat(details).contains("terms: must hold at most 500 terms", "terms[499]: must not be blank")
                .doesNotContain("terms[500]: must not be blank").hasSize(501);
        String blankIds = "{\"ids\":[" + String.join(",", java.util.Collections.nCopies(200_000, "\"\"")) + "]}";
        List<String> idDetails = given().contentType(JSON).body(blankIds).post(V + "/titles")
                .then().statusCode(413).extract().jsonPath().getList("errors.detail", String.class);
        assertThat(idDetails).contains("ids: must hold at most 1000 ids").hasSize(1001);
    }

    @Test
    void aStreamLineThatIsNotUtf8GetsItsOwnErrorLine() throws Exception {
        given().get(V).then().statusCode(200); // the stream first learns the version and its fields: not what is tested
        emulator.reset();
        byte[] latin1Line = "caf\u00e9 manager\n".getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> answer = raw("POST", V + "/normalize/stream", TEXT, latin1Line);
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body().lines().toList()).singleElement().asString().contains("\"status\":400").contains("not valid UTF-8");
    }

    @Test
    void aRequestLineOverTheLimitIsRefusedInTheEnvelope() throws Exception {
        for (String path : List.of(V + "/titles?q=" + "a".repeat(16 * 1024), V + "/titles?q=" + "a".repeat(60 * 1024),
                V + "/titles?" + "x=1&".repeat(4_000),
                V + "/titles?fields=" + "id,".repeat(4_000) + "id")) {
            HttpResponse<String> answer = raw("GET", path, null, null);
            assertThat(answer.statusCode()).isEqualTo(414);
            assertThat(answer.body()).contains("\"status\":414").contains("request line may be at most");
        }
    }

    @Test
    void aHeaderBlockOverTheLimitIsRefusedInTheEnvelope() {
        given().header("X-Padding", "x".repeat(20 * 1024)).get(V + "/titles")
                .then().statusCode(431).body("errors[0].status", equalTo(431)).body("errors[0].detail", containsString("headers"));
    }

    /** Every answer of the token endpoint is OAuth's, its refusals included. */
    @Test
    void theTokenEndpointRefusesInOAuthsFormat() throws Exception {
        given().contentType(JSON).body("{\"grant_type\":\"client_credentials\"}").post("/connect/token")
                .then().statusCode(400).body("error", equalTo("invalid_request"))
                .body("error_description", containsString("application/x-www-form-urlencoded"));
        HttpResponse<String> untyped = raw("POST", "/connect/token", null, "grant_type=client_credentials".getBytes(StandardCharsets.UTF_8));
        assertThat(untyped.statusCode()).isEqualTo(415);
        assertThat(untyped.body()).contains("\"error\":\"invalid_request\"");
        given().get("/connect/token").then().statusCode(405).body("error", equalTo("invalid_request"));
    }

    /** A request as sent, bytes and all: no header the test does not name (REST Assured adds a Content-Type). */
    private static HttpResponse<String> raw(String method, String path, String contentType, byte[] body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void oversizedBodyIsRefusedWith413() {
        String twoMegabytes = "{\"terms\":[\"" + "a".repeat(2 * 1024 * 1024) + "\"]}";
        given().contentType(JSON).body(twoMegabytes)
                .when().post(V + "/normalize/bulk")
                .then().statusCode(413)
                .body("errors[0].status", equalTo(413));
    }

    @Test
    void oversizedChunkedBodyIsRefusedWith413() throws Exception {
        byte[] twoMegabytes = ("{\"terms\":[\"" + "a".repeat(2 * 1024 * 1024) + "\"]}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + V + "/normalize/bulk"))
                .header("Content-Type", JSON)
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(twoMegabytes)))
                .timeout(Duration.ofSeconds(10))
                .build();
        HttpResponse<String> response;
        try {
            response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException closedMidUpload) {
            // the gateway may close the connection before the client has finished sending: refused all the same
            return;
        }
        assertThat(response.statusCode()).as("the HTTP layer cuts a chunked body off at the limit").isEqualTo(413);
    }

    /**
     * An oversized body of unknown length over HTTP/2 (the JDK client upgrades to h2c): refused, and
     * neither logged as a fault nor leaving a thread waiting for the body the HTTP layer refused.
     */
    @Test
    void oversizedBodiesOverHttp2HoldNoThreadAndLogNoFault() throws Exception {
        byte[] twoMegabytes = ("{\"terms\":[\"" + "a".repeat(2 * 1024 * 1024) + "\"]}").getBytes(StandardCharsets.UTF_8);
        try (LogRecords logged = LogRecords.capture()) {
            for (int i = 0; i < 4; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + V + "/normalize/bulk"))
                        .header("Content-Type", JSON)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(twoMegabytes)))
                        .timeout(Duration.ofSeconds(10))
                        .build();
                try {
                    HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build()
                            .send(request, HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).isEqualTo(413);
                } catch (IOException closedMidUpload) {
                    // refused all the same
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(threadsReadingABody())
                    .as("threads still waiting for a refused body").isEmpty());
            assertThat(logged.lines()).as("what the gateway logged at WARN or above").isEmpty();
        }
    }

    /**
     * A request that names no valid host, which the router fails before any endpoint runs: a 400 in the
     * envelope, not the platform's error page, and nothing logged at WARN or above.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = {
            "GET /titles/versions/latest HTTP/1.1\r\n\r\n",
            "GET /titles/versions/latest HTTP/1.1\r\nHost: a b\r\n\r\n",
            "POST /titles/versions/latest/normalize HTTP/1.1\r\nContent-Type: text/plain\r\nContent-Length: 4\r\n\r\ncook" })
    void aRequestThatNamesNoHostIsRefusedInTheEnvelope(String request) throws Exception {
        try (LogRecords logged = LogRecords.capture(); java.net.Socket socket = new java.net.Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            String answer = oneAnswer(socket.getInputStream());

            assertThat(answer).startsWith("HTTP/1.1 400").contains("{\"errors\":[{\"status\":400,").contains("must name its host");
            assertThat(logged.lines()).as("what the gateway logged at WARN or above").isEmpty();
        }
    }

    /**
     * A query with a raw byte beyond ASCII, as a client that does not percent-encode sends UTF-8: the
     * HTTP layer reads each byte as a Latin-1 character ("café" as "cafÃ©"), so it is refused, in the
     * envelope, rather than searched for upstream.
     */
    @Test
    void aQueryWithRawBytesBeyondAsciiIsRefusedInTheEnvelope() throws Exception {
        try (java.net.Socket socket = new java.net.Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET " + V + "/titles?q=caf").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().write("é HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.UTF_8));
            String answer = oneAnswer(socket.getInputStream());

            assertThat(answer).startsWith("HTTP/1.1 400").contains("{\"errors\":[{\"status\":400,").contains("The query must be ASCII");
        }
        assertThat(emulator.apiCalls()).as("nothing reached Lightcast").isEmpty();
    }

    /**
     * A target that is no URI, as a client that does not percent-encode sends it: refused in the
     * envelope (OAuth's at the token endpoint), saying where, with nothing sent upstream and nothing
     * logged as an error. The HTTP layer had answered each with an empty 400.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = { V + "/titles?q=100%", V + "/titles?q=%zz", V + "/titles/%zz",
            "/titles/versions/%/titles", V + "/normaliz%", V + "/titles?q=%22nurse%22&fields=\"id\"", V + "/titles?q=a|b",
            V + "/titles/[x]", "/connect/token?x=%", "/nowhere/%" })
    void aTargetThatIsNoUriIsRefusedInTheEnvelope(String target) {
        try (LogRecords logged = LogRecords.capture()) {
            String answer = RawRequests.send(RestAssured.port, "GET " + target);

            assertThat(answer).startsWith("HTTP/1.1 400").contains("not a valid URI (RFC 3986)");
            assertThat(answer).contains(target.startsWith("/connect/token") ? "{\"error\":\"invalid_request\"" : "{\"errors\":[{\"status\":400,");
            assertThat(logged.lines()).as("what the gateway logged at WARN or above").isEmpty();
        }
        assertThat(emulator.apiCalls()).as("nothing reached Lightcast").isEmpty();
    }

    /**
     * A target that is not a path (no leading {@code /}, a proxy's {@code CONNECT host:port}): the
     * router fails it before any route runs, where the platform answered with an empty 404; it is a
     * malformed request, refused as one in the envelope, nothing logged at WARN or above.
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = { "GET titles/versions/latest/titles?q=nurse",
            "CONNECT 127.0.0.1:443", "POST titles/versions/latest/normalize" })
    void aTargetThatIsNotAPathIsRefusedInTheEnvelope(String requestLine) {
        try (LogRecords logged = LogRecords.capture()) {
            String answer = RawRequests.send(RestAssured.port, requestLine);

            assertThat(answer).startsWith("HTTP/1.1 400").contains("{\"errors\":[{\"status\":400,").contains("must be a path starting with /");
            assertThat(logged.lines()).as("what the gateway logged at WARN or above").isEmpty();
        }
        assertThat(emulator.apiCalls()).as("nothing reached Lightcast").isEmpty();
    }

    /**
     * A compressed body: the gateway decompresses nothing, so it is refused with 415 before anything
     * reads it, as JSON or text it is not (it had read gzip's bytes as JSON, and a body mislabelled
     * gzip as if it were not).
     */
    @ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.ValueSource(strings = { "/normalize", "/normalize/inspect", "/normalize/bulk", "/normalize/stream" })
    void aCompressedBodyIsRefusedWith415(String path) throws Exception {
        String body = path.endsWith("bulk") ? "{\"terms\":[\"nurse\"]}" : path.endsWith("stream") ? "nurse\n" : "{\"term\":\"nurse\"}";
        java.io.ByteArrayOutputStream gzipped = new java.io.ByteArrayOutputStream();
        try (java.util.zip.GZIPOutputStream gzip = new java.util.zip.GZIPOutputStream(gzipped)) {
            gzip.write(body.getBytes(StandardCharsets.UTF_8));
        }
        for (byte[] sent : List.of(gzipped.toByteArray(), body.getBytes(StandardCharsets.UTF_8))) {
            given().contentType(path.endsWith("stream") ? TEXT : JSON).header("Content-Encoding", "gzip").body(sent)
                    .post(V + path)
                    .then().statusCode(415).body("errors[0].status", equalTo(415))
                    .body("errors[0].detail", equalTo("Content-Encoding gzip is not accepted: send the body uncompressed"));
        }
        given().contentType(JSON).header("Content-Encoding", "identity").body("{\"term\":\" \"}").post(V + "/normalize")
                .then().statusCode(400).body("errors[0].detail", containsString("blank"));
        assertThat(emulator.apiCalls()).as("nothing reached Lightcast").isEmpty();
    }

    /** {@code OPTIONS *} asks about the server as a whole (RFC 9110): the methods of its endpoints, not a 404. */
    @Test
    void optionsOfTheWholeServerNamesItsMethods() {
        assertThat(RawRequests.send(RestAssured.port, "OPTIONS *")).startsWith("HTTP/1.1 200")
                .containsPattern("(?i)allow: GET, HEAD, POST, OPTIONS");
    }

    /** One HTTP/1.1 answer, head and body, read by its Content-Length: the connection may stay open after it. */
    private static String oneAnswer(java.io.InputStream in) throws IOException {
        java.io.ByteArrayOutputStream read = new java.io.ByteArrayOutputStream();
        int headEnd = -1;
        int length = -1;
        while (headEnd < 0 || read.size() < headEnd + length) {
            int next = in.read();
            if (next < 0) {
                break;
            }
            read.write(next);
            String sofar = read.toString(StandardCharsets.UTF_8);
            if (headEnd < 0 && sofar.endsWith("\r\n\r\n")) {
                headEnd = read.size();
                java.util.regex.Matcher declared = java.util.regex.Pattern.compile("(?im)^content-length: *(\\d+)").matcher(sofar);
                length = declared.find() ? Integer.parseInt(declared.group(1)) : 0;
            }
        }
        return read.toString(StandardCharsets.UTF_8);
    }

    private static List<String> threadsReadingABody() {
        return Thread.getAllStackTraces().entrySet().stream()
                .filter(thread -> Arrays.stream(thread.getValue()).anyMatch(frame -> frame.getClassName().contains("VertxInputStream")))
                .map(thread -> thread.getKey().getName()).toList();
    }
}
