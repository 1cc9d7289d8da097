package io.titlesgateway.titles;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.startsWith;

import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.titlesgateway.catalog.Catalog;
import io.quarkus.test.junit.QuarkusTest;
import io.titlesgateway.support.CatalogReady;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;

/** With {@code TITLES_FALLBACK=catalog}, normalize requests Lightcast cannot answer are answered by the catalog. */
@QuarkusTest
@TestProfile(CatalogFallbackTest.WithCatalogFallback.class)
@WithTestResource(LightcastEmulatorResource.class)
class CatalogFallbackTest extends EmulatedUpstreamTest {

    public static class WithCatalogFallback implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("titles.fallback", "catalog");
        }
    }

    @Inject
    Catalog catalog;

    /** The fallback catalog loads on its own thread while the gateway starts; tests begin once it is in. */
    @BeforeEach
    void catalogLoaded() {
        CatalogReady.await(catalog);
    }

    @Test
    void lightcastAnswersWhileItCan() {
        given().contentType("application/json").body("{\"term\":\"registered nurse\"}")
                .post("/titles/versions/5.47/normalize").then().statusCode(200)
                .header("X-Titles-Source", "lightcast")
                .body("data.title.id", startsWith("ET"));
    }

    @Test
    void theCatalogAnswersWhenLightcastFails() {
        given().get("/titles/versions/5.47").then().statusCode(200);
        emulator.failNext(3, 503);

        given().contentType("application/json").body("{\"term\":\"registered nurse\",\"fields\":[\"name\"]}")
                .post("/titles/versions/5.47/normalize").then().statusCode(200)
                .header("X-Titles-Source", "catalog")
                .body("data.title.name", startsWith("Registered Nurse")); // the occupation's own title or O*NET's "Registered Nurse (RN)"
        assertThat(emulator.apiCalls("/normalize")).hasSize(3);
    }

    @Test
    void bulkFallsBackWhenTheQuotaIsSpent() {
        emulator.quota(0);
        given().contentType("application/json").body("{\"terms\":[\"line cook\"]}")
                .post("/titles/versions/5.47/normalize/bulk").then().statusCode(200)
                .header("X-Titles-Source", "catalog")
                .body("data[0].title.id", startsWith("OT-"));
    }

    @Test
    void lookupsDoNotFallBack() {
        given().get("/titles/versions").then().statusCode(200);
        emulator.failNext(3, 503);
        given().get("/titles/versions/5.47/changes").then().statusCode(502);
    }

    @Test
    void streamLinesLightcastCannotAnswerComeFromTheCatalog() {
        given().contentType("text/plain").body("line cook\n").post("/titles/versions/5.47/normalize/stream").then().statusCode(200);
        emulator.quota(0);

        String[] lines = given().contentType("text/plain").body("line cook\nregistered nurse\n")
                .post("/titles/versions/5.47/normalize/stream").then().statusCode(200)
                .extract().asString().split("\n");

        assertThat(lines).hasSize(2);
        assertThat(lines[0]).as("cached from Lightcast").contains("\"id\":\"ET");
        assertThat(lines[1]).as("answered by the catalog").contains("\"id\":\"OT-").doesNotContain("error");
    }
}
