package io.titlesgateway.auth;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;

/**
 * Callers may come with JWTs of the platform's identity provider instead (here the emulator plays
 * one: RS256, its keys at a JWKS URL): checked for signature, issuer, audience and expiry.
 */
@QuarkusTest
@TestProfile(IdentityProviderTest.WithAnIdentityProvider.class)
@WithTestResource(LightcastEmulatorResource.class)
class IdentityProviderTest extends EmulatedUpstreamTest {

    static final String ISSUER = "https://idp.example/realms/platform";
    static final String AUDIENCE = "titles-gateway";

    public static class WithAnIdentityProvider implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("titles.auth", "required",
                    "quarkus.oidc.tenant-enabled", "true",
                    "quarkus.oidc.auth-server-url", "${lightcast.auth-url}/idp",
                    "quarkus.oidc.discovery-enabled", "false",
                    "quarkus.oidc.jwks-path", "jwks",
                    "quarkus.oidc.token.issuer", ISSUER,
                    "quarkus.oidc.token.audience", AUDIENCE);
        }
    }

    private String bearer(String issuer, String audience, long lifetimeSeconds) {
        return "Bearer " + emulator.issueIdpToken("svc-billing", issuer, audience, lifetimeSeconds);
    }

    @Test
    void aTokenOfTheIdentityProviderLetsACallerIn() {
        String authorization = bearer(ISSUER, AUDIENCE, 300);

        given().header("Authorization", authorization).get("/titles/versions").then().statusCode(200);
        given().header("Authorization", authorization).contentType("application/json").body("{\"term\":\"chef\"}")
                .post("/titles/versions/5.47/normalize").then().statusCode(200).body("data.title.name", equalTo("Chef"));
        given().header("Authorization", authorization).contentType("text/plain").body("chef\nplumber\n")
                .post("/titles/versions/5.47/normalize/stream").then().statusCode(200).body(containsString("\"Plumber\""));
        given().get("/q/metrics").then().body(containsString("titles_caller_requests_total{caller=\"idp\",outcome=\"admitted\"}"));
    }

    @Test
    void aTokenForAnotherAudienceIssuerOrTimeOrSignedByAnotherKeyIsRefused() {
        String[] refused = {
                bearer(ISSUER, "another-service", 300),
                bearer("https://elsewhere.example/", AUDIENCE, 300),
                bearer(ISSUER, AUDIENCE, -120),
                bearer(ISSUER, AUDIENCE, 300).replaceAll("\\.[^.]+$", ".c2lnbmVkLWJ5LXNvbWVvbmUtZWxzZQ") };
        for (String authorization : refused) {
            given().header("Authorization", authorization).contentType("application/json").body("{\"term\":\"chef\"}")
                    .post("/titles/versions/5.47/normalize").then().statusCode(401)
                    .header("WWW-Authenticate", containsString("invalid_token"))
                    .body("errors[0].status", equalTo(401));
        }
        assertThat(emulator.apiCalls("/normalize")).isEmpty();
    }

    @Test
    void withoutATokenNothingReachesLightcast() {
        given().contentType("application/json").body("{\"term\":\"chef\"}").post("/titles/versions/5.47/normalize")
                .then().statusCode(401);
        assertThat(emulator.apiCalls()).isEmpty();
    }
}
