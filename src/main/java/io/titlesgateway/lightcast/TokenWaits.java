package io.titlesgateway.lightcast;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.enterprise.context.ApplicationScoped;

import io.quarkus.arc.Unremovable;
import io.quarkus.oidc.common.OidcEndpoint;
import io.quarkus.oidc.common.OidcRequestFilter;

/**
 * Whether a request to Lightcast's auth server for a token is under way, unanswered: an attempt
 * that times out meanwhile was waiting for its token, and its caller is told that the auth server
 * did not answer, not that the endpoint it was to call did not. {@link TokenAnswers} marks each answer.
 */
@ApplicationScoped
@Unremovable
@OidcEndpoint(OidcEndpoint.Type.TOKEN)
class TokenWaits implements OidcRequestFilter {

    private final AtomicBoolean underWay = new AtomicBoolean();

    @Override
    public void filter(OidcRequestContext context) {
        underWay.set(true);
    }

    /** The auth server answered a token request (whatever it answered). */
    void answered() {
        underWay.set(false);
    }

    /** Whether a token request went out and has had no answer yet. */
    boolean underWay() {
        return underWay.get();
    }
}
