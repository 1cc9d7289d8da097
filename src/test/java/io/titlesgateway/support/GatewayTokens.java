package io.titlesgateway.support;

import static io.restassured.RestAssured.given;

import io.restassured.response.Response;

/** Tokens from the gateway's own {@code /connect/token}, asked for as a Lightcast client asks. */
public final class GatewayTokens {

    private GatewayTokens() {
    }

    /** The token request as sent; a null argument is left out of the form. */
    public static Response request(String clientId, String secret, String scope) {
        var request = given().contentType("application/x-www-form-urlencoded").formParam("grant_type", "client_credentials");
        if (clientId != null) {
            request.formParam("client_id", clientId);
        }
        if (secret != null) {
            request.formParam("client_secret", secret);
        }
        if (scope != null) {
            request.formParam("scope", scope);
        }
        return request.post("/connect/token");
    }

    /** An {@code Authorization} header value for the caller, its token freshly granted. */
    public static String bearer(String clientId, String secret) {
        return "Bearer " + request(clientId, secret, null).then().statusCode(200).extract().<String>path("access_token");
    }
}
