package io.titlesgateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.EmulatedUpstreamTest;

/** Every endpoint of the drop-in surface, in each content type, against the emulated Lightcast. */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class SurfaceTest extends EmulatedUpstreamTest {

    private static final String DATA_SCIENTIST = LightcastEmulator.idOf("Data Scientist");

    /** The one call the endpoint under test made upstream (version lookups aside). */
    private ReceivedRequest onlyCallTo(String path) {
        List<ReceivedRequest> calls = emulator.apiCalls().stream().filter(call -> call.path().equals(path)).toList();
        assertThat(calls).as("calls to " + path).hasSize(1);
        assertThat(calls.get(0).bearer()).as("the gateway sends its own token").startsWith("emu.");
        return calls.get(0);
    }

    @Test
    void statusIsRelayedWithProvenanceHeaders() {
        given().when().get("/titles/status")
                .then().statusCode(200)
                .header("X-Titles-Source", "lightcast")
                .header("X-Cache", "MISS")
                .body("data.healthy", equalTo(true))
                .body("data.message", equalTo("Service is healthy"));
        onlyCallTo("/titles/status");
    }

    /** A JSON request takes its options from its body: its query is ignored, repetitions and all, as Lightcast ignores it. */
    @Test
    void aJsonRequestsQueryIsIgnoredEvenWithAnOptionGivenTwice() {
        given().contentType("application/json").body("{\"term\":\"cook\",\"fields\":[\"id\",\"name\"]}")
                .post("/titles/versions/latest/normalize?fields=id&fields=name")
                .then().statusCode(200).body("data.title.name", org.hamcrest.Matchers.notNullValue());
    }

    @Test
    void metaNamesTheLatestVersion() {
        given().when().get("/titles/meta")
                .then().statusCode(200)
                .body("data.latestVersion", equalTo("5.47"))
                .body("data.attribution.title", equalTo("Lightcast Titles"));
        onlyCallTo("/titles/meta");
    }

    @Test
    void versionsAreListedNewestFirst() {
        given().when().get("/titles/versions")
                .then().statusCode(200)
                .body("data", contains("5.47", "5.46", "5.45"));
        onlyCallTo("/titles/versions");
    }

    @Test
    void versionMetadataKeepsItsOptionalMappingVersions() {
        given().when().get("/titles/versions/latest")
                .then().statusCode(200)
                .body("data.version", equalTo("5.47"))
                .body("data.fields", hasSize(7))
                .body("data.mappingVersions.soc", contains("soc_emsi_2019"))
                .body("data.titleCount", equalTo(45));
        onlyCallTo("/titles/meta");
        onlyCallTo("/titles/versions/5.47");
    }

    @Test
    void versionMetadataOmitsMappingVersionsWhenUpstreamDoes() {
        emulator.permissions(true, true, false);
        given().when().get("/titles/versions/5.46")
                .then().statusCode(200)
                .body("data", not(hasKey("mappingVersions")))
                .body("data.fields", not(org.hamcrest.Matchers.hasItem("mapping")));
    }

    @Test
    void changesAreRelayed() {
        given().when().get("/titles/versions/5.47/changes")
                .then().statusCode(200)
                .body("data.additions[0].title", equalTo("Line Cook"))
                .body("data.removals", hasSize(0));
        onlyCallTo("/titles/versions/5.47/changes");
    }

    @Test
    void searchPassesQueryLimitPageUpstreamAndProjectsFieldsLocally() {
        given().queryParam("q", "data sci").queryParam("limit", 2).queryParam("page", 1)
                .queryParam("fields", "id,name,pluralName")
                .when().get("/titles/versions/latest/titles")
                .then().statusCode(200)
                .body("data", hasSize(2))
                .body("data[0].id", equalTo(DATA_SCIENTIST))
                .body("data[0].pluralName", equalTo("Data Scientists"))
                .body("data[0]", not(hasKey("isSupervisor")));
        ReceivedRequest call = onlyCallTo("/titles/versions/5.47/titles");
        assertThat(call.query()).as("the widest field set is fetched, the caller's is cut locally")
                .contains("q=data+sci").contains("limit=2").contains("page=1")
                .contains("fields=id%2Cname%2CpluralName%2CisSupervisor%2ClevelBand%2CinfoUrl%2Cmapping");
    }

    @Test
    void listingWithoutFieldsShowsIdAndName() {
        given().when().get("/titles/versions/5.47/titles?limit=3")
                .then().statusCode(200)
                .body("data", hasSize(3))
                .body("data", everyItem(hasKey("id")))
                .body("data", everyItem(not(hasKey("pluralName"))));
    }

    @Test
    void titlesAreFetchedById() {
        given().contentType(ContentType.JSON)
                .body("{\"ids\":[\"" + DATA_SCIENTIST + "\"],\"fields\":[\"name\",\"isSupervisor\",\"mapping\"]}")
                .when().post("/titles/versions/latest/titles")
                .then().statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].name", equalTo("Data Scientist"))
                .body("data[0].isSupervisor", equalTo(false))
                .body("data[0].mapping.socs[0].id", equalTo("15-2051"))
                .body("data[0]", not(hasKey("id")));
        assertThat(onlyCallTo("/titles/versions/5.47/titles").body()).contains("\"ids\":[\"" + DATA_SCIENTIST + "\"]");
    }

    /** As for normalize: a JSON request takes its options from its body only, as Lightcast does; the query is ignored. */
    @Test
    void titlesByIdIgnoreQueryOptionsForJsonBodies() {
        given().contentType(ContentType.JSON).body("{\"ids\":[\"" + DATA_SCIENTIST + "\"]}")
                .queryParam("fields", "pluralName,mapping")
                .when().post("/titles/versions/latest/titles")
                .then().statusCode(200)
                .body("data[0].name", equalTo("Data Scientist"))
                .body("data[0]", not(hasKey("pluralName")))
                .body("data[0]", not(hasKey("mapping")));
    }

    @Test
    void oneTitleIsFetchedWithItsDetail() {
        given().when().get("/titles/versions/latest/titles/" + DATA_SCIENTIST)
                .then().statusCode(200)
                .body("data.id", equalTo(DATA_SCIENTIST))
                .body("data.pluralName", equalTo("Data Scientists"))
                .body("data", hasKey("removedVersion"))
                .body("data.addedVersion", equalTo("5.45"))
                .body("data.mapping.skills[0].name", equalTo("Data Science"));
        onlyCallTo("/titles/versions/5.47/titles/" + DATA_SCIENTIST);
    }

    @Test
    void unknownTitleIsA404FromUpstream() {
        given().when().get("/titles/versions/latest/titles/ET0000000000000000")
                .then().statusCode(404)
                .body("errors[0].status", equalTo(404))
                .body("errors[0].detail", equalTo("Unrecognized title id: ET0000000000000000"));
        onlyCallTo("/titles/versions/5.47/titles/ET0000000000000000");
    }

    @Test
    void normalizeTakesJson() {
        given().contentType(ContentType.JSON).body("{\"term\":\"sr data scientist\",\"fields\":[\"id\",\"name\",\"levelBand\"]}")
                .when().post("/titles/versions/latest/normalize")
                .then().statusCode(200)
                .header("RateLimit-Remaining", notNullValue())
                .header("RateLimit-Reset", "86400")
                .header("X-Cache", "MISS")
                .body("data.title.id", equalTo(DATA_SCIENTIST))
                .body("data.title.levelBand", equalTo("Professional"))
                .body("data.confidence", equalTo(1.0f))
                .body("data.jobLevels", contains("Senior"));
        ReceivedRequest call = onlyCallTo("/titles/versions/5.47/normalize");
        assertThat(call.contentType()).startsWith("application/json");
        assertThat(call.body()).as("cached at threshold 0, the caller's threshold applied locally")
                .contains("\"confidenceThreshold\":0.0");
    }

    @Test
    void normalizeTakesPlainTextWithQueryOptions() {
        given().contentType(ContentType.TEXT).body("software engineer\n")
                .queryParam("fields", "name,pluralName").queryParam("confidenceThreshold", "0.9")
                .when().post("/titles/versions/5.47/normalize")
                .then().statusCode(200)
                .body("data.title.name", equalTo("Software Engineer"))
                .body("data.title.pluralName", equalTo("Software Engineers"))
                .body("data.title", not(hasKey("id")));
        assertThat(onlyCallTo("/titles/versions/5.47/normalize").body()).contains("\"term\":\"software engineer\"");
    }

    @Test
    void normalizeIgnoresQueryOptionsForJsonBodies() {
        given().contentType(ContentType.JSON).body("{\"term\":\"cashier\"}")
                .queryParam("fields", "pluralName").queryParam("confidenceThreshold", "abc")
                .when().post("/titles/versions/5.47/normalize")
                .then().statusCode(200)
                .body("data.title.name", equalTo("Cashier"))
                .body("data.title", not(hasKey("pluralName")));
    }

    @Test
    void inspectReturnsRankedCandidatesInBothContentTypes() {
        given().contentType(ContentType.JSON).body("{\"term\":\"data scientist\",\"limit\":2,\"confidenceThreshold\":0.1}")
                .when().post("/titles/versions/latest/normalize/inspect")
                .then().statusCode(200)
                .body("data", hasSize(2))
                .body("data[0].title.name", equalTo("Data Scientist"))
                .body("data[0].confidence", equalTo(1.0f));
        given().contentType(ContentType.TEXT).body("registered nurse").queryParam("limit", "1")
                .when().post("/titles/versions/latest/normalize/inspect")
                .then().statusCode(200)
                .body("data", hasSize(1))
                .body("data[0].title.name", equalTo("Registered Nurse"));
        assertThat(emulator.apiCalls("/normalize/inspect")).hasSize(2)
                .allSatisfy(call -> assertThat(call.body()).contains("\"limit\":100"));
    }

    @Test
    void bulkTakesJsonAndEchoesEveryTerm() {
        given().contentType(ContentType.JSON).body("{\"terms\":[\"data scientist\",\"software engineer\",\"zzzz\"]}")
                .when().post("/titles/versions/latest/normalize/bulk")
                .then().statusCode(200)
                .body("data", hasSize(3))
                .body("data.term", contains("data scientist", "software engineer", "zzzz"))
                .body("data[1].title.name", equalTo("Software Engineer"))
                .body("data[2].title", equalTo(null));
        onlyCallTo("/titles/versions/5.47/normalize/bulk");
    }

    @Test
    void bulkTakesPlainTextOneTermPerLine() {
        given().contentType(ContentType.TEXT).body("electrician\n\nplumber\r\nline cook\n")
                .when().post("/titles/versions/latest/normalize/bulk")
                .then().statusCode(200)
                .body("data.term", contains("electrician", "plumber", "line cook"))
                .body("data.title.name", contains("Electrician", "Plumber", "Line Cook"));
        assertThat(onlyCallTo("/titles/versions/5.47/normalize/bulk").body())
                .contains("\"terms\":[\"electrician\",\"plumber\",\"line cook\"]");
    }

    @Test
    void noMatchAboveTheThresholdIsRelayedAs404() {
        given().contentType(ContentType.JSON).body("{\"term\":\"quantum blacksmith\"}")
                .when().post("/titles/versions/latest/normalize")
                .then().statusCode(404)
                .body("errors[0].status", equalTo(404));
        onlyCallTo("/titles/versions/5.47/normalize");
    }

    @Test
    void everyCallCarriesTheSameCachedToken() {
        for (String path : List.of("/titles/status", "/titles/meta", "/titles/versions", "/titles/versions/5.46/changes")) {
            given().when().get(path).then().statusCode(200);
        }
        assertThat(emulator.apiCalls()).extracting(ReceivedRequest::bearer).hasSize(4).allMatch(token -> token != null)
                .containsOnly(emulator.apiCalls().get(0).bearer());
    }

    /**
     * A client that announces its body with {@code Expect: 100-continue} (curl, and libraries built on
     * libcurl, with larger bodies) is told to send it as soon as the request's head has passed the checks:
     * it had been told nothing, and waited its own timeout (a second, for curl) before sending anyway.
     * Asked once: a body the router reads and hands on to the REST layer is not asked for again.
     */
    @ParameterizedTest(name = "{0} {2}")
    @CsvSource(delimiter = '|', value = {
            "/normalize|application/json|{\"term\":\"nurse\"}|200 OK",
            "/normalize|application/json|{\"term\":\" \"}|400 Bad Request",
            "/normalize/inspect|text/plain|nurse|200 OK",
            "/normalize/bulk|application/json|{\"terms\":[\"nurse\"]}|200 OK",
            "/titles|application/json|{\"ids\":[\"ET0000000000000001\"]}|200 OK" })
    void aBodyAnnouncedWithExpectContinueIsAskedForAtOnce(String path, String type, String body, String status) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("POST /titles/versions/5.47" + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: " + type
                    + "\r\nContent-Length: " + bytes.length + "\r\nExpect: 100-continue\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            String interim = new String(in.readNBytes("HTTP/1.1 100 Continue".length()), StandardCharsets.US_ASCII);
            assertThat(interim).as("what the gateway said before the body was sent").isEqualTo("HTTP/1.1 100 Continue");

            socket.getOutputStream().write(bytes);
            String rest = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(rest).as("once asked, never again").doesNotContain("100 Continue").contains("HTTP/1.1 " + status);
        }
    }
}
