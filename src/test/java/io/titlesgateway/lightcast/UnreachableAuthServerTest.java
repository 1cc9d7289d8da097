package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;

/**
 * Credentials set but nothing listening at the auth URL (the emulator not started yet, a wrong
 * port): the caller is told the token endpoint refused the connection and which setting to check,
 * and once the breaker opens its 503 still says so, rather than only that Lightcast is failing.
 */
@QuarkusTest
@TestProfile(UnreachableAuthServerTest.NothingAtTheAuthUrl.class)
class UnreachableAuthServerTest {

    public static class NothingAtTheAuthUrl implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("titles.backend", "lightcast", "lightcast.client-id", "someone", "lightcast.client-secret", "something",
                    "lightcast.auth-url", "http://127.0.0.1:1", "lightcast.api-url", "http://127.0.0.1:1/titles",
                    "lightcast.retry.max-retries", "0", "lightcast.breaker.request-volume", "2", "lightcast.breaker.delay", "60S");
        }
    }

    @Test
    void theCauseIsNamedBeforeAndAfterTheBreakerOpens() {
        given().get("/titles/versions/5.47").then().statusCode(502)
                .body("errors[0].detail", containsString("the auth server could not be reached"))
                .body("errors[0].detail", containsString("LIGHTCAST_AUTH_URL"));

        Response open = null;
        for (int i = 0; i < 10 && open == null; i++) {
            Response answer = given().get("/titles/versions/5.4" + i);
            open = answer.statusCode() == 503 ? answer : null;
        }
        assertThat(open).as("the breaker opened").isNotNull();
        open.then().body("errors[0].status", equalTo(503))
                .body("errors[0].detail", containsString("stopped calling it"))
                .body("errors[0].detail", containsString("the auth server could not be reached"));
    }
}
