package io.titlesgateway.lightcast;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.arc.Unremovable;
import io.quarkus.oidc.common.OidcEndpoint;
import io.quarkus.oidc.common.OidcResponseFilter;

/**
 * Every answer of the auth server's token endpoint: counted by its status, and a successful one held
 * to what OAuth promises (RFC 6749, 5.1): a JSON object with an {@code access_token}, and an
 * {@code expires_in}, if any, that is a number. Another fails the token request as
 * {@link UnreadableAnswer}, which callers hear as a 502 naming the auth server, not as a failure of
 * the gateway.
 */
@ApplicationScoped
@Unremovable
@OidcEndpoint(OidcEndpoint.Type.TOKEN)
class TokenAnswers implements OidcResponseFilter {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Inject
    LightcastMetrics metrics;

    @Inject
    TokenWaits waits;

    @Override
    public void filter(OidcResponseContext context) {
        waits.answered();
        metrics.tokenRequest(context.statusCode());
        if (context.statusCode() != 200) {
            return;
        }
        String fault = faultOf(context.responseBody() == null ? "" : context.responseBody().toString());
        if (fault != null) {
            throw UnreadableAnswer.ofAuthServer(fault);
        }
    }

    private static String faultOf(String body) {
        JsonNode token;
        try {
            token = JSON.readTree(body);
        } catch (IOException notJson) {
            return "not JSON";
        }
        if (token == null || !token.isObject()) {
            return "not a JSON object";
        }
        JsonNode accessToken = token.get("access_token");
        if (accessToken == null || !accessToken.isTextual() || accessToken.asText().isBlank()) {
            return "no access_token";
        }
        JsonNode expiresIn = token.get("expires_in");
        if (expiresIn != null && !expiresIn.isNull() && !expiresIn.canConvertToLong()
                && !(expiresIn.isTextual() && expiresIn.asText().strip().matches("[0-9]{1,18}"))) {
            return "an expires_in that is not a number of seconds";
        }
        return null;
    }
}
