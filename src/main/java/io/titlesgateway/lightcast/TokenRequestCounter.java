package io.titlesgateway.lightcast;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.arc.Unremovable;
import io.quarkus.oidc.common.OidcEndpoint;
import io.quarkus.oidc.common.OidcResponseFilter;

/** Counts the token requests the OIDC client makes, by the status the auth server answered. */
@ApplicationScoped
@Unremovable
@OidcEndpoint(OidcEndpoint.Type.TOKEN)
class TokenRequestCounter implements OidcResponseFilter {

    @Inject
    LightcastMetrics metrics;

    @Override
    public void filter(OidcResponseContext context) {
        metrics.tokenRequest(context.statusCode());
    }
}
