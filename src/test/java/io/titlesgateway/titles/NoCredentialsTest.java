package io.titlesgateway.titles;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/** Lightcast demanded without credentials: the gateway starts, is not ready, and says what to set. */
@QuarkusTest
@TestProfile(NoCredentialsTest.WithoutCredentials.class)
class NoCredentialsTest {

    public static class WithoutCredentials implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("titles.backend", "lightcast",
                    "lightcast.api-url", "http://127.0.0.1:9/titles", "lightcast.auth-url", "http://127.0.0.1:9");
        }
    }

    @Test
    void everyTitlesRequestIsA503ThatNamesTheMissingSettings() {
        given().get("/titles/meta").then().statusCode(503)
                .header("Retry-After", "60")
                .body("errors[0].status", equalTo(503))
                .body("errors[0].detail", containsString("LIGHTCAST_CLIENT_ID"));
        given().contentType("application/json").body("{\"term\":\"cook\"}")
                .post("/titles/versions/latest/normalize").then().statusCode(503);
    }

    @Test
    void badInputIsStillRefusedFirst() {
        given().contentType("application/json").body("{\"term\":\"\"}")
                .post("/titles/versions/latest/normalize").then().statusCode(400);
    }

    @Test
    void readinessIsDownWithTheReason() {
        given().get("/q/health/ready").then().statusCode(503)
                .body("status", equalTo("DOWN"))
                .body("checks.name", hasItem("titles-backend"))
                .body("checks.find { it.name == 'titles-backend' }.data.reason", containsString("LIGHTCAST_CLIENT_SECRET"));
        given().get("/q/health/live").then().statusCode(200);
    }
}
