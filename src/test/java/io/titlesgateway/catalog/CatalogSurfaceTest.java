package io.titlesgateway.catalog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.junit.QuarkusTest;
import io.titlesgateway.support.CatalogReady;

/**
 * With no Lightcast credentials at all, the default ({@code TITLES_BACKEND=auto}) serves the whole
 * surface from the embedded catalog, in Lightcast's shapes.
 */
@QuarkusTest
class CatalogSurfaceTest {

    @Inject
    Catalog catalog;

    @Inject
    InMemorySpanExporter exported;

    /** The catalog loads on its own thread while the gateway starts; tests begin once it is in. */
    @BeforeEach
    void catalogLoaded() {
        CatalogReady.await(catalog);
    }

    @Test
    void aCatalogAnswerIsTracedAsTheMatchUnderTheRequest() {
        String traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        given().header("traceparent", "00-" + traceId + "-00f067aa0ba902b7-01").contentType("text/plain").body("line cook")
                .post("/titles/versions/latest/normalize").then().statusCode(200);

        java.util.function.Supplier<java.util.List<SpanData>> trace = () -> exported.getFinishedSpanItems().stream()
                .filter(span -> span.getTraceId().equals(traceId)).toList();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> trace.get().stream().anyMatch(span -> span.getKind() == SpanKind.SERVER));
        SpanData server = trace.get().stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst().orElseThrow();
        assertThat(trace.get()).filteredOn(span -> span.getName().equals("titles.catalog.match"))
                .singleElement().satisfies(match -> assertThat(match.getParentSpanId()).isEqualTo(server.getSpanId()));
    }

    @Test
    void metaNamesTheCatalogVersionAndCarriesTheLicenceNotice() {
        given().get("/titles/meta").then().statusCode(200)
                .header("X-Titles-Source", "catalog")
                .body("data.latestVersion", equalTo(Catalog.VERSION))
                .body("data.attribution.body", containsString("O*NET"))
                .body("data.attribution.body", containsString("CC BY 4.0"))
                .body("data.attribution.body", containsString("USDOL/ETA has not approved, endorsed, or tested"));
    }

    @Test
    void statusVersionsAndChanges() {
        given().get("/titles/status").then().statusCode(200).body("data.healthy", equalTo(true));
        given().get("/titles/versions").then().statusCode(200).body("data", contains(Catalog.VERSION));
        given().get("/titles/versions/latest").then().statusCode(200)
                .body("data.version", equalTo(Catalog.VERSION))
                .body("data.fields", contains("id", "name", "pluralName", "isSupervisor", "levelBand", "infoUrl", "mapping"))
                .body("data.titleCount", greaterThan(46_000));
        given().get("/titles/versions/" + Catalog.VERSION + "/changes").then().statusCode(200)
                .body("data.additions", hasSize(0)).body("data.removals", hasSize(0)).body("data.alterations", hasSize(0));
        // a client pinned to a Lightcast version works unchanged, and is told what answered
        given().get("/titles/versions/5.47").then().statusCode(200)
                .header("X-Titles-Source", "catalog").body("data.version", equalTo(Catalog.VERSION));
        given().contentType("application/json").body("{\"term\":\"registered nurse\"}").post("/titles/versions/5.47/normalize")
                .then().statusCode(200).header("X-Titles-Source", "catalog");
        given().get("/titles/versions/onet-29.0").then().statusCode(404)
                .body("errors[0].detail", containsString("the catalog serves " + Catalog.VERSION));
    }

    @Test
    void typeaheadSearchPagesAndProjects() {
        given().queryParam("q", "softw").queryParam("limit", 3).queryParam("fields", "id,name")
                .get("/titles/versions/latest/titles").then().statusCode(200)
                .body("data", hasSize(3))
                .body("data.id", everyItem(matchesPattern("OT-[0-9A-F]{12}")))
                .body("data.name", everyItem(containsString("oftw")))
                .body("data[0]", not(hasKey("mapping")));
        given().queryParam("limit", 2).queryParam("page", 2).get("/titles/versions/latest/titles").then().statusCode(200)
                .body("data", hasSize(2));
        // every field a Lightcast client asks for is answered: EmsiApiPy asks for id,name,pluralName
        given().queryParam("q", "registered nurse").queryParam("limit", 1).queryParam("fields", "id,name,pluralName,levelBand")
                .get("/titles/versions/latest/titles").then().statusCode(200)
                .body("data[0].pluralName", endsWith("s"))
                .body("data[0]", hasKey("levelBand"));
    }

    @Test
    void everyTitleHasAPluralNameAndNoAnswerClaimsACache() {
        String id = CatalogLoader.idFor("Director of Health Education");
        given().get("/titles/versions/latest/titles/" + id).then().statusCode(200)
                .header("X-Titles-Source", "catalog").header("X-Cache", nullValue())
                .body("data.pluralName", equalTo("Directors of Health Education"));
        given().contentType("application/json")
                .body("{\"term\":\"sales associate\",\"fields\":[\"id\",\"name\",\"pluralName\"]}")
                .post("/titles/versions/latest/normalize").then().statusCode(200).header("X-Cache", nullValue())
                .body("data.title.pluralName", not(nullValue()));
    }

    @Test
    void inspectListsTheLikelyOccupationsBeforeASecondTitleOfOne() {
        List<String> socs = given().contentType("application/json")
                .body("{\"term\":\"Sr. RN - ICU nights\",\"limit\":5,\"confidenceThreshold\":0,\"fields\":[\"name\",\"mapping\"]}")
                .post("/titles/versions/latest/normalize/inspect").then().statusCode(200)
                .body("data", hasSize(5))
                .body("data[0].title.mapping.socs[0].id", equalTo("29-1141"))
                .extract().jsonPath().getList("data.title.mapping.socs[0].id", String.class);
        assertThat(socs).doesNotHaveDuplicates();
    }

    @Test
    void titlesAreFetchedByIdOneOrMany() {
        String id = CatalogLoader.idFor("Registered Nurses");
        given().get("/titles/versions/latest/titles/" + id).then().statusCode(200)
                .body("data.name", equalTo("Registered Nurses"))
                .body("data.mapping.socs[0].id", equalTo("29-1141"))
                .body("data.mapping.skills.size()", greaterThan(3))
                .body("data.infoUrl", startsWith("https://www.onetonline.org/"));
        given().contentType("application/json").body("{\"ids\":[\"" + id + "\",\"OT-000000000000\"],\"fields\":[\"name\"]}")
                .post("/titles/versions/latest/titles").then().statusCode(200)
                .body("data", hasSize(1)).body("data[0].name", equalTo("Registered Nurses"));
        given().get("/titles/versions/latest/titles/OT-000000000000").then().statusCode(404);
    }

    @Test
    void normalizeInspectAndBulkMatchMessyTitles() {
        given().contentType("text/plain").body("Sr. RN - ICU nights").queryParam("fields", "name,mapping")
                .post("/titles/versions/latest/normalize").then().statusCode(200)
                .header("X-Titles-Source", "catalog")
                .body("data.jobLevels", contains("Senior"))
                .body("data.title.mapping.socs.id", hasItem("29-1141"))
                .body("data.title.name", containsString("RN"))
                .body("data.title.name", not(containsString("Travel")));
        given().contentType("application/json").body("{\"term\":\"data scientst\",\"limit\":3}")
                .post("/titles/versions/latest/normalize/inspect").then().statusCode(200)
                .body("data", hasSize(3))
                .body("data[0].confidence", greaterThan(0.5f));
        given().contentType("application/json").body("{\"terms\":[\"line cook - weekends\",\"zzxq wvvk\"],\"fields\":[\"name\"]}")
                .post("/titles/versions/latest/normalize/bulk").then().statusCode(200)
                .body("data.term", contains("line cook - weekends", "zzxq wvvk"))
                .body("data[0].title.name", equalTo("Line Cook"))
                .body("data[1].title", equalTo(null));
        given().contentType("application/json").body("{\"term\":\"zzxq wvvk\"}")
                .post("/titles/versions/latest/normalize").then().statusCode(404);
    }

    @Test
    void aTitleOfAlternativesOrTurnedRoundAtACommaIsAnsweredOnEveryPath() {
        given().contentType("text/plain").body("Receptionist/Admin Assistant").queryParam("fields", "name,mapping")
                .post("/titles/versions/latest/normalize").then().statusCode(200)
                .body("data.title.mapping.socs.id", hasItem("43-4171"));
        given().contentType("application/json").body("{\"term\":\"Sr. Mgr, Ops\",\"limit\":2,\"fields\":[\"name\",\"mapping\"]}")
                .post("/titles/versions/latest/normalize/inspect").then().statusCode(200)
                .body("data[0].jobLevels", contains("Senior"))
                .body("data[0].title.mapping.socs.id", hasItem("11-1021"));
        given().contentType("application/json").body("{\"terms\":[\"Receptionist/Admin Assistant\",\"Manager, Operations\"],\"fields\":[\"mapping\"]}")
                .post("/titles/versions/latest/normalize/bulk").then().statusCode(200)
                .body("data[0].title.mapping.socs.id", hasItem("43-4171"))
                .body("data[1].title.mapping.socs.id", hasItem("11-1021"));
    }

    @Test
    void badInputIsStillRefusedFirst() {
        given().contentType("application/json").body("{\"terms\":[]}").post("/titles/versions/latest/normalize/bulk")
                .then().statusCode(400);
        given().get("/titles/versions/latest/titles/..%2Fmeta").then().statusCode(400);
    }

    @Test
    void readinessSaysTheCatalogServesAndChecksNothingOfLightcast() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'titles-backend' }.data.backend", equalTo("catalog"))
                .body("checks.name", org.hamcrest.Matchers.contains("titles-backend"));
        // that no Lightcast metric shows is checked in a process of its own (ModesIT): tests share one JVM's meters
    }

    @Test
    void theStreamAnswersEveryLineFromTheCatalogInOrder() {
        String[] lines = given().contentType("text/plain").body("Sr. RN - ICU nights\n\nsoftware engineer\n")
                .post("/titles/versions/latest/normalize/stream?fields=id,name,mapping").then().statusCode(200)
                .header("Content-Type", "application/x-ndjson")
                .header("X-Titles-Source", "catalog")
                .extract().asString().split("\n");

        assertThat(lines).hasSize(3);
        assertThat(lines[0]).contains("\"term\":\"Sr. RN - ICU nights\"", "\"id\":\"OT-", "29-1141", "\"Senior\"");
        assertThat(lines[1]).contains("\"error\":{\"status\":400");
        assertThat(lines[2]).contains("\"term\":\"software engineer\"", "\"name\":\"Software Engineer\"");
    }

    @Test
    void theStreamTakesNdjson() {
        String[] lines = given().contentType("application/x-ndjson")
                .body("{\"term\":\"cna\"}\n{\"term\":\"truck driver\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/titles/versions/onet-30.0/normalize/stream").then().statusCode(200)
                .extract().asString().split("\n");

        assertThat(lines).hasSize(2);
        assertThat(lines[0]).contains("Nursing Assistant");
        assertThat(lines[1]).contains("\"term\":\"truck driver\"", "Truck Driver");
    }
}
