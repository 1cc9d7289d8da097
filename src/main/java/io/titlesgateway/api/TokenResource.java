package io.titlesgateway.api;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestForm;
import org.jboss.resteasy.reactive.RestHeader;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.mutiny.Uni;
import io.titlesgateway.auth.CallerAuth;

/**
 * {@code POST /connect/token}: Lightcast's token endpoint, served by the gateway for its own
 * callers, so that a Lightcast client pointed at the gateway for both its auth and its API URL works
 * unchanged. Same request (form-encoded {@code client_credentials}, the client in the form or in
 * HTTP Basic) and same answers ({@code access_token}, {@code expires_in}, {@code token_type};
 * {@code 400 {"error": "invalid_client"}} and the other OAuth errors).
 */
@Path("/connect/token")
@Tag(name = "Tokens")
public class TokenResource {

    @Inject
    CallerAuth auth;

    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "A token for a caller of the gateway (OAuth client credentials, as Lightcast's auth server)")
    public Uni<RestResponse<Map<String, Object>>> token(@RestForm("grant_type") String grantType,
            @RestForm("client_id") String clientId, @RestForm("client_secret") String clientSecret,
            @RestForm("scope") String scope, @RestHeader("Authorization") String authorization) {
        String[] basic = basicCredentials(authorization);
        String id = basic != null ? basic[0] : clientId;
        String secret = basic != null ? basic[1] : clientSecret;
        return auth.grant(grantType, id, secret, scope)
                .map(grant -> {
                    Map<String, Object> body = new LinkedHashMap<>();
                    body.put("access_token", grant.accessToken());
                    body.put("expires_in", grant.expiresIn());
                    body.put("token_type", "Bearer");
                    body.put("scope", grant.scope());
                    return uncached(RestResponse.ResponseBuilder.ok(body, MediaType.APPLICATION_JSON_TYPE));
                })
                .onFailure(CallerAuth.TokenRefused.class).recoverWithItem(failure -> {
                    CallerAuth.TokenRefused refused = (CallerAuth.TokenRefused) failure;
                    var response = RestResponse.ResponseBuilder.<Map<String, Object>>create(refused.status())
                            .entity(Map.of("error", refused.error())).type(MediaType.APPLICATION_JSON_TYPE);
                    if (refused.status() == 503) {
                        response.header("Retry-After", 1);
                    }
                    return uncached(response);
                });
    }

    /** An error as OAuth answers it ({@code {"error": …, "error_description": …}}), never cached. */
    static RestResponse<Map<String, Object>> error(int status, String error, String description) {
        return uncached(RestResponse.ResponseBuilder.<Map<String, Object>>create(status).entity(errorBody(error, description))
                .type(MediaType.APPLICATION_JSON_TYPE));
    }

    /** OAuth's error body, {@code "error"} first, as OAuth servers write it. */
    static Map<String, Object> errorBody(String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return body;
    }

    private static RestResponse<Map<String, Object>> uncached(RestResponse.ResponseBuilder<Map<String, Object>> response) {
        return response.header("Cache-Control", "no-store").header("Pragma", "no-cache").build();
    }

    /** The client id and secret of an HTTP Basic header (each form-URL-encoded, as OAuth says), or null. */
    private static String[] basicCredentials(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Basic ", 0, 6) || authorization.length() > 2048) {
            return null;
        }
        try {
            String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).strip()), StandardCharsets.UTF_8);
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                return null;
            }
            return new String[] { java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(decoded.substring(colon + 1), StandardCharsets.UTF_8) };
        } catch (IllegalArgumentException unreadable) {
            return null;
        }
    }
}
