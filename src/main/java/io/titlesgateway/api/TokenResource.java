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
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
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
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_FORM_URLENCODED,
            schema = @Schema(implementation = TokenRequestFields.class)))
    public Uni<RestResponse<Map<String, Object>>> token(String form, @RestHeader("Authorization") String authorization) {
        TokenForm fields;
        try {
            fields = TokenForm.read(form);
        } catch (TokenForm.Refused refused) {
            return Uni.createFrom().item(error(refused.status(), "invalid_request", refused.getMessage()));
        }
        String[] basic = basicCredentials(authorization);
        if (basic != null && (fields.clientSecret() != null || (fields.clientId() != null && !fields.clientId().equals(basic[0])))) {
            // RFC 6749, 2.3: one way to authenticate a client per request
            return Uni.createFrom().item(error(400, "invalid_request",
                    "Authenticate the client one way: HTTP Basic or client_id and client_secret in the form, not both"));
        }
        String id = basic != null ? basic[0] : fields.clientId();
        String secret = basic != null ? basic[1] : fields.clientSecret();
        return auth.grant(fields.grantType(), id, secret, fields.scope())
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

    /** The fields of a token request, for the OpenAPI document; {@link TokenForm} reads the form itself. */
    @Schema(name = "TokenRequest")
    record TokenRequestFields(
            @Schema(name = "grant_type", required = true, example = "client_credentials") String grantType,
            @Schema(name = "client_id", description = "Or in HTTP Basic, with the secret") String clientId,
            @Schema(name = "client_secret") String clientSecret,
            @Schema(name = "scope", example = "emsi_open") String scope) {
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
