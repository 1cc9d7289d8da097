package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;

/** Client-credentials tokens: fetched once, shared, refreshed ahead of expiry, replaced when revoked. */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class TokenLifecycleTest extends EmulatedUpstreamTest {

    /** Each test starts with the gateway holding a fresh, long-lived token, an empty record and empty caches. */
    @BeforeEach
    void freshTokenAndEmptyRecord() {
        shortLivedToken(Duration.ofHours(1));
    }

    /** Gives the gateway a token of the given lifetime, then clears the record and the caches. */
    private void shortLivedToken(Duration lifetime) {
        emulator.tokenLifetime(lifetime);
        emulator.revokeTokens();
        given().get("/titles/status").then().statusCode(200);
        emulator.reset();
        emulator.ratePerSecond(1000);
        clearCaches();
    }

    /** Distinct searches, so that the cache cannot answer any of them. */
    private static String search(int i) {
        return "/titles/versions/5.47/titles?limit=" + (i + 1);
    }

    @Test
    void revokedTokenIsReplacedAndTheCallRetriedOnce() {
        emulator.revokeTokens();

        given().get("/titles/meta").then().statusCode(200).body("data.latestVersion", equalTo("5.47"));

        List<ReceivedRequest> calls = emulator.apiCalls();
        assertThat(calls).extracting(ReceivedRequest::status).containsExactly(401, 200);
        assertThat(calls.get(1).bearer()).isNotEqualTo(calls.get(0).bearer());
        assertThat(emulator.tokenRequests()).isEqualTo(1);
    }

    @Test
    void concurrentCallsAfterExpiryShareOneNewToken() throws InterruptedException {
        shortLivedToken(Duration.ofSeconds(5));
        Thread.sleep(3_200); // inside the refresh window: 3 s of skew in the test profile

        List<HttpResponse<String>> answers = Callers.get(20, TokenLifecycleTest::search);

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(emulator.tokenRequests()).as("token requests for 20 concurrent calls").isEqualTo(1);
        assertThat(emulator.apiCalls("/titles")).as("the expired token is refreshed before use, never sent")
                .extracting(ReceivedRequest::status).containsOnly(200).hasSize(20);
        assertThat(emulator.apiCalls()).extracting(ReceivedRequest::bearer).containsOnly(emulator.apiCalls().get(0).bearer());
    }

    @Test
    void tokenIsRefreshedAheadOfExpiryWithoutA401() throws InterruptedException {
        shortLivedToken(Duration.ofSeconds(5));
        given().get("/titles/status").then().statusCode(200);
        String first = emulator.apiCalls().get(0).bearer();
        emulator.reset();
        emulator.ratePerSecond(1000);
        clearCaches();
        Thread.sleep(3_200); // the token still has about 2 s to live, inside the 3 s refresh window

        given().get("/titles/status").then().statusCode(200);

        assertThat(emulator.tokenRequests()).isEqualTo(1);
        assertThat(emulator.apiCalls()).singleElement().satisfies(call -> {
            assertThat(call.status()).isEqualTo(200);
            assertThat(call.bearer()).isNotEqualTo(first);
        });
    }

    @Test
    void manySequentialCallsUseOneToken() {
        for (int i = 0; i < 10; i++) {
            given().get(search(i)).then().statusCode(200);
        }
        assertThat(emulator.tokenRequests()).isZero();
        assertThat(emulator.apiCalls("/titles")).hasSize(10);
        assertThat(emulator.apiCalls()).extracting(ReceivedRequest::bearer)
                .containsOnly(emulator.apiCalls().get(0).bearer());
    }

    @Test
    void a401ThatSurvivesAFreshTokenIsABadGateway() {
        emulator.failNext(2, 401);

        given().get("/titles/versions").then().statusCode(502)
                .body("errors[0].status", equalTo(502))
                .body("errors[0].detail", containsString("refused the gateway's credentials"));

        assertThat(emulator.apiCalls()).as("exactly one retry, and no 5xx-style retries of a refusal").hasSize(2);
        assertThat(emulator.tokenRequests()).isEqualTo(1);
    }

    @Test
    void missingPermissionSaysWhichEndpoint() {
        emulator.permissions(false, true, true);

        given().contentType("application/json").body("{\"term\":\"cook\"}")
                .post("/titles/versions/latest/normalize")
                .then().statusCode(502)
                .body("errors[0].detail", containsString("/normalize"))
                .body("errors[0].detail", containsString("permission"));
    }

    @Test
    void refusedCredentialsAreABadGatewayThatNamesWhatToCheck() {
        emulator.rotateSecret("rotated-elsewhere");
        emulator.revokeTokens();

        given().get("/titles/meta").then().statusCode(502)
                .body("errors[0].detail", containsString("invalid_client"))
                .body("errors[0].detail", containsString("LIGHTCAST_CLIENT_SECRET"))
                .body(not(containsString(emulator.clientSecret())));

        emulator.reset();
        emulator.ratePerSecond(1000);
        given().get("/titles/meta").then().statusCode(200);
    }

    @Test
    void refusedScopeIsABadGateway() {
        emulator.grantedScopes(Set.of("lightcast_open_free"));
        emulator.revokeTokens();

        given().get("/titles/meta").then().statusCode(502)
                .body("errors[0].detail", containsString("invalid_scope"));
    }

    /** An auth server that takes the token request and never answers: the timeout names it, not the endpoint the call was for. */
    @Test
    void anAuthServerThatDoesNotAnswerIsAGatewayTimeoutThatNamesIt() {
        emulator.revokeTokens();
        emulator.hold("/connect/token");
        try {
            given().get("/titles/meta").then().statusCode(504)
                    .body("errors[0].detail", equalTo("The gateway could not obtain a Lightcast token in time: the auth server did not "
                            + "answer; check LIGHTCAST_AUTH_URL."));
        } finally {
            emulator.release();
        }
        given().get("/titles/meta").then().statusCode(200);
    }

    @Test
    void tokenEndpointDownIsABadGatewayAndRecovers() {
        emulator.tokenEndpointDown(true);
        emulator.revokeTokens();

        given().get("/titles/meta").then().statusCode(502)
                .body("errors[0].detail", containsString("could not obtain a Lightcast token"));

        emulator.tokenEndpointDown(false);
        given().get("/titles/meta").then().statusCode(200);
    }

    @Test
    void tokenRequestIsAFormPostWithTheClientCredentialsGrant() {
        emulator.revokeTokens();
        given().get("/titles/status").then().statusCode(200);

        assertThat(emulator.tokenRequests()).isEqualTo(1);
        ReceivedRequest token = emulator.received().stream().filter(ReceivedRequest::isTokenRequest).findFirst().orElseThrow();
        assertThat(token.method()).isEqualTo("POST");
        assertThat(token.contentType()).startsWith("application/x-www-form-urlencoded");
        assertThat(token.body()).contains("grant_type=client_credentials").contains("scope=emsi_open")
                .contains("client_id=" + emulator.clientId());
    }

    /** An auth server's page, or JSON that is not a token: a 502 naming the auth server, and the next good token works. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "text/html        | <html><body>Sign in</body></html>                            | not JSON",
        "application/json | `{\"token_type\": \"Bearer\", \"expires_in\": 3600}`       | no access_token",
        "application/json | `{\"access_token\": \"\", \"expires_in\": 3600}`          | no access_token",
        "application/json | `[\"a\", \"b\"]`                                          | not a JSON object",
        "application/json | `{\"access_token\": \"t\", \"expires_in\": \"soon\"}`    | an expires_in that is not a number of seconds",
    })
    void aTokenAnswerThatIsNotATokenIsABadGatewayNamingTheAuthServer(String type, String body, String fault) {
        emulator.answerNextTokenRequest(10, type, body);
        emulator.revokeTokens();

        given().get("/titles/meta").then().statusCode(502)
                .body("errors[0].detail", equalTo("The gateway could not obtain a Lightcast token: the auth server's answer is not a token ("
                        + fault + "); check LIGHTCAST_AUTH_URL."))
                .body(not(containsString("Exception")));
        assertThat(emulator.tokenRequests()).as("it asked the auth server").isPositive();

        emulator.answerNextTokenRequest(0, type, body);
        given().get("/titles/meta").then().statusCode(200).body("data.latestVersion", equalTo("5.47"));
    }
}
