package io.titlesgateway.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.GatewayTokens;
import io.titlesgateway.support.TestSecrets;

/**
 * With the Lightcast backend serving and the default {@code TITLES_AUTH=auto}, callers must prove
 * who they are, with a token from the gateway's own {@code /connect/token}, which speaks Lightcast's
 * token protocol.
 */
@QuarkusTest
@TestProfile(AuthTest.WithCallers.class)
@WithTestResource(LightcastEmulatorResource.class)
class AuthTest extends EmulatedUpstreamTest {

    static final String CALLER = "svc-reports";
    static final String SECRET = "svc-reports-secret-0123456789";

    public static class WithCallers implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            String hash = TestSecrets.hash(SECRET);
            return Map.of("titles.auth", "auto",
                    "titles.clients", "[{\"id\":\"" + CALLER + "\",\"secretHash\":\"" + hash + "\",\"weight\":2},"
                            + "{\"id\":\"svc-rate\",\"secretHash\":\"" + hash + "\",\"ratePerSecond\":2},"
                            + "{\"id\":\"svc-daily\",\"secretHash\":\"" + hash + "\",\"dailyNormalize\":3}]",
                    "titles.token-signing-key", Base64.getEncoder().encodeToString("a-test-signing-key-of-32-bytes-at-least".getBytes()),
                    "titles.token-lifetime", "3S");
        }
    }

    /** Every data endpoint, as a request without credentials. */
    private static final List<String[]> ENDPOINTS = List.of(
            new String[] { "GET", "/titles/status", null },
            new String[] { "GET", "/titles/meta", null },
            new String[] { "GET", "/titles/versions", null },
            new String[] { "GET", "/titles/versions/5.47", null },
            new String[] { "GET", "/titles/versions/5.47/changes", null },
            new String[] { "GET", "/titles/versions/5.47/titles?q=data", null },
            new String[] { "POST", "/titles/versions/5.47/titles", "{\"ids\":[\"ET3B93055220D592C8\"]}" },
            new String[] { "GET", "/titles/versions/5.47/titles/ET3B93055220D592C8", null },
            new String[] { "POST", "/titles/versions/5.47/normalize", "{\"term\":\"chef\"}" },
            new String[] { "POST", "/titles/versions/5.47/normalize/inspect", "{\"term\":\"chef\"}" },
            new String[] { "POST", "/titles/versions/5.47/normalize/bulk", "{\"terms\":[\"chef\"]}" },
            new String[] { "POST", "/titles/versions/5.47/normalize/stream", "chef\n" });

    /** The request as written: a path is sent as it is, not percent-encoded again. */
    private static Response call(String[] endpoint, String authorization) {
        var request = given().urlEncodingEnabled(false).contentType(endpoint[1].contains("/stream") ? "text/plain" : "application/json");
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return endpoint[0].equals("GET") ? request.get(endpoint[1]) : request.body(endpoint[2]).post(endpoint[1]);
    }

    static Response token(String clientId, String secret, String scope) {
        return GatewayTokens.request(clientId, secret, scope);
    }

    private static String bearer() {
        return "Bearer " + token(CALLER, SECRET, "emsi_open").then().statusCode(200).extract().path("access_token");
    }

    @Test
    void everyDataEndpointRefusesACallerWithoutAValidToken() {
        for (String[] endpoint : ENDPOINTS) {
            call(endpoint, null).then().statusCode(401)
                    .header("WWW-Authenticate", equalTo("Bearer realm=\"titles-gateway\""))
                    .body("errors[0].status", equalTo(401))
                    .body("errors[0].detail", containsString("/connect/token"));
            call(endpoint, "Bearer not-a-token").then().statusCode(401)
                    .header("WWW-Authenticate", containsString("error=\"invalid_token\""));
        }
        assertThat(emulator.apiCalls()).as("nothing reached Lightcast").isEmpty();
    }

    /**
     * Matrix parameters, which the REST layer drops when it matches a path, in any segment of any
     * endpoint's path: refused before authentication reads the path, never answered without a token
     * (before the fix, {@code /titles;x=1/versions/5.47/titles?q=data} was answered with no token).
     */
    @Test
    void aPathWithMatrixParametersIsRefusedNeverLetPastAuthentication() {
        for (String[] endpoint : ENDPOINTS) {
            String[] segments = endpoint[1].split("/");
            for (int i = 1; i < segments.length; i++) {
                String[] withMatrix = segments.clone();
                withMatrix[i] = withMatrix[i].replaceFirst("^([^?]*)", "$1;x=1");
                call(new String[] { endpoint[0], String.join("/", withMatrix), endpoint[2] }, null).then().statusCode(400)
                        .body("errors[0].status", equalTo(400))
                        .body("errors[0].detail", containsString("matrix parameters"));
            }
        }
        assertThat(emulator.apiCalls()).as("nothing reached Lightcast").isEmpty();
    }

    @Test
    void theTokenEndpointAnswersAsLightcastsAuthServerDoes() {
        token(CALLER, SECRET, "emsi_open").then().statusCode(200)
                .header("Cache-Control", "no-store")
                .body("token_type", equalTo("Bearer"))
                .body("expires_in", equalTo(3))
                .body("access_token", startsWith("ey"));
        String basic = Base64.getEncoder().encodeToString((CALLER + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
        given().contentType("application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .formParam("grant_type", "client_credentials").post("/connect/token").then().statusCode(200);

        token(CALLER, SECRET + "x", "emsi_open").then().statusCode(400).body("error", equalTo("invalid_client"));
        token("svc-unknown", SECRET, "emsi_open").then().statusCode(400).body("error", equalTo("invalid_client"));
        token(CALLER, null, null).then().statusCode(400).body("error", equalTo("invalid_client"));
        token(CALLER, SECRET, "emsi_premium").then().statusCode(400).body("error", equalTo("invalid_scope"));
        given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "password")
                .formParam("client_id", CALLER).formParam("client_secret", SECRET).post("/connect/token")
                .then().statusCode(400).body("error", equalTo("unsupported_grant_type"));
        assertThat(emulator.tokenRequests()).as("the gateway's callers never cost a Lightcast token").isZero();
    }

    /**
     * A token request's form that is not one form, or asks two things at once, is refused in OAuth's
     * format with what is wrong, never a 500, a dropped connection or an ERROR in the log.
     */
    @org.junit.jupiter.params.ParameterizedTest(name = "{0}")
    @org.junit.jupiter.params.provider.CsvSource(delimiter = '|', value = {
            "a broken escape       | client_secret=%zz                          | 400 | not valid application/x-www-form-urlencoded",
            "a lone %              | client_secret=%                            | 400 | not valid application/x-www-form-urlencoded",
            "a client id twice     | client_id=svc-other&client_secret=SECRET   | 400 | client_id appears more than once",
            "a secret twice        | client_secret=x&client_secret=SECRET       | 400 | client_secret appears more than once",
            "a form over 8 kB      | client_secret=LONG                         | 413 | at most 8192 characters" })
    void aTokenFormThatIsNotOneClearFormIsRefusedInOAuthsFormat(String name, String rest, int status, String description) {
        String form = "grant_type=client_credentials&client_id=" + CALLER + "&"
                + rest.replace("SECRET", SECRET).replace("LONG", "a".repeat(100_000));
        try (io.titlesgateway.support.LogRecords logged = io.titlesgateway.support.LogRecords.capture()) {
            given().contentType("application/x-www-form-urlencoded").body(form).post("/connect/token")
                    .then().statusCode(status)
                    .body("error", equalTo("invalid_request"))
                    .body("error_description", containsString(description));
            assertThat(logged.lines()).as("logged at WARN or above").isEmpty();
        }
    }

    /** OAuth allows one way to authenticate the client per request: HTTP Basic and a secret in the form is refused. */
    @Test
    void aClientAuthenticatedTwoWaysAtOnceIsRefused() {
        String basic = Base64.getEncoder().encodeToString((CALLER + ":" + SECRET).getBytes(StandardCharsets.UTF_8));
        given().contentType("application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .formParam("grant_type", "client_credentials").formParam("client_id", CALLER).formParam("client_secret", SECRET)
                .post("/connect/token").then().statusCode(400).body("error", equalTo("invalid_request"));
        given().contentType("application/x-www-form-urlencoded").header("Authorization", "Basic " + basic)
                .formParam("grant_type", "client_credentials").formParam("client_id", CALLER)
                .post("/connect/token").then().statusCode(200); // the client's own id beside Basic, as some clients send it
    }

    @Test
    void aLightcastClientWorksUnchangedOnceBothItsUrlsPointAtTheGateway() {
        String authorization = bearer();

        given().header("Authorization", authorization).get("/titles/versions/5.47/titles?q=data&limit=2")
                .then().statusCode(200).body("data.size()", equalTo(2));
        given().header("Authorization", authorization).contentType("application/json").body("{\"term\":\"chef\"}")
                .post("/titles/versions/5.47/normalize").then().statusCode(200).body("data.title.name", equalTo("Chef"));
        given().header("Authorization", authorization).contentType("text/plain").body("chef\n")
                .post("/titles/versions/5.47/normalize/stream").then().statusCode(200).body(containsString("\"Chef\""));
        assertThat(emulator.apiCalls()).isNotEmpty();
        assertThat(emulator.apiCalls()).allSatisfy(call -> assertThat(call.bearer()).as("Lightcast sees the gateway's own token")
                .isNotEqualTo(authorization.substring(7)));
    }

    @Test
    void anExpiredTokenIsRefused() throws InterruptedException {
        String authorization = bearer();
        given().header("Authorization", authorization).get("/titles/versions").then().statusCode(200);

        Thread.sleep(3_500);

        given().header("Authorization", authorization).get("/titles/versions").then().statusCode(401)
                .header("WWW-Authenticate", containsString("invalid_token"));
    }

    @Test
    void aTamperedTokenIsRefused() {
        String[] parts = bearer().substring(7).split("\\.");
        String claims = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8);
        String widened = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(claims.replaceAll("\"exp\":\\d+", "\"exp\":4102444800").getBytes(StandardCharsets.UTF_8));

        given().header("Authorization", "Bearer " + parts[0] + "." + widened + "." + parts[2]).get("/titles/versions")
                .then().statusCode(401);
    }

    @Test
    void healthMetricsAndTheApiDescriptionStayOpen() {
        assertThat(given().get("/q/health/live").statusCode()).isEqualTo(200);
        assertThat(given().get("/q/health/ready").statusCode()).isIn(200, 503);
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi").then().statusCode(200).body(containsString("/connect/token"));
    }

    @Test
    void aCallerOverItsOwnCapsGets429WithRetryAfter() {
        String rate = "Bearer " + token("svc-rate", SECRET, null).then().statusCode(200).extract().path("access_token");
        List<Response> burst = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            burst.add(given().header("Authorization", rate).get("/titles/versions"));
        }
        assertThat(burst).extracting(Response::statusCode).as("2 requests a second, in a burst of 5").contains(200, 429);
        Response capped = burst.stream().filter(answer -> answer.statusCode() == 429).findFirst().orElseThrow();
        assertThat(capped.header("Retry-After")).isEqualTo("1");
        assertThat(capped.jsonPath().getString("errors[0].detail")).contains("2 requests per second");

        String daily = "Bearer " + token("svc-daily", SECRET, null).then().statusCode(200).extract().path("access_token");
        // the same endpoint however its path is spelled: letters percent-encoded count as the letters
        for (String normalize : List.of("/titles/versions/5.47/%6Eormalize", "/titles/versions/5.47/normaliz%65",
                "/titles/versions/5.47/normalize")) {
            given().urlEncodingEnabled(false).header("Authorization", daily).contentType("application/json")
                    .body("{\"term\":\"chef\"}").post(normalize).then().statusCode(200);
        }
        given().header("Authorization", daily).contentType("application/json").body("{\"term\":\"chef\"}")
                .post("/titles/versions/5.47/normalize").then().statusCode(429)
                .body("errors[0].detail", containsString("for the day"));
        given().header("Authorization", daily).get("/titles/versions").then().statusCode(200);
        given().get("/q/metrics").then()
                .body(containsString("titles_caller_requests_total{caller=\"svc-rate\",outcome=\"capped\"}"))
                .body(containsString("titles_caller_requests_total{caller=\"svc-daily\",outcome=\"capped\"}"));
    }
}
