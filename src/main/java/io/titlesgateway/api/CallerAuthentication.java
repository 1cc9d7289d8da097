package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.Tenant;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.oidc.runtime.OidcUtils;
import io.titlesgateway.auth.CallerAuth;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Every {@code /titles} request, the stream included, proves its caller before anything else runs
 * when authentication is required: with a token the gateway issued, or with a JWT of the platform's
 * identity provider when one is configured. One that does not gets 401 in the error envelope with
 * {@code WWW-Authenticate}, and nothing reaches the backend. The caller is kept in the routing
 * context and the logging context ({@code caller}).
 */
@ApplicationScoped
public class CallerAuthentication {

    static final String CALLER = "caller";
    /** How a caller known from the identity provider is named: never mistaken for a TITLES_CLIENTS id. */
    static final String IDP_PREFIX = "idp:";
    private static final Logger LOG = Logger.getLogger(CallerAuthentication.class);
    private static final String CHALLENGE = "Bearer realm=\"titles-gateway\"";
    private static final String MISSING = "{\"errors\":[{\"status\":401,\"title\":\"Unauthorized\",\"detail\":"
            + "\"A bearer token is required: get one from POST /connect/token with your client credentials\"}]}";
    private static final String INVALID = "{\"errors\":[{\"status\":401,\"title\":\"Unauthorized\",\"detail\":"
            + "\"The bearer token is not valid: it is expired, or was not issued by this gateway; get a new one from "
            + "POST /connect/token\"}]}";

    @Inject
    CallerAuth auth;

    /**
     * Requests per authenticated caller; the label takes only ids of TITLES_CLIENTS, and "idp" for
     * every caller of the identity provider, so it stays bounded.
     */
    @Inject
    MeterRegistry metrics;

    /** The platform's identity provider, when one is configured ({@code quarkus.oidc.*}). */
    @Inject
    @Tenant(OidcUtils.DEFAULT_TENANT_ID)
    Instance<TenantIdentityProvider> identityProvider;

    @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false")
    boolean identityProviderEnabled;

    void install(@Observes Router router) {
        router.route().pathRegex("/titles(/.*)?").order(BodyLimit.BEFORE_EVERYTHING - 1).handler(this::authenticate);
    }

    private void authenticate(RoutingContext routing) {
        if (!auth.required()) {
            routing.next();
            return;
        }
        String authorization = routing.request().getHeader(HttpHeaders.AUTHORIZATION);
        String caller = auth.authenticate(authorization);
        if (caller != null) {
            admitted(routing, caller, caller);
            return;
        }
        String bearer = bearerOf(authorization);
        if (bearer == null || !identityProviderEnabled) {
            refuse(routing, authorization != null);
            return;
        }
        // not one of ours: perhaps one of the platform's identity provider, checked against its keys
        routing.request().pause();
        Context context = Vertx.currentContext();
        identityProvider.get().authenticate(new AccessTokenCredential(bearer)).subscribe().with(
                identity -> context.runOnContext(unused -> {
                    routing.request().resume();
                    admitted(routing, IDP_PREFIX + identity.getPrincipal().getName(), IDP_PREFIX.substring(0, 3));
                }),
                failure -> context.runOnContext(unused -> refuse(routing, true)));
    }

    /** Lets an authenticated request on, unless its caller is over its own caps. {@code label}: its name in metrics. */
    private void admitted(RoutingContext routing, String caller, String label) {
        routing.put(CALLER, caller);
        MDC.put(CALLER, caller);
        CallerAuth.remember(caller);
        CallerAuth.CapReached cap = auth.admit(caller, routing.request().path().contains("/normalize"));
        metrics.counter("titles.caller.requests", "caller", label, "outcome", cap == null ? "admitted" : "capped").increment();
        if (cap != null) {
            routing.request().pause();
            routing.response().setStatusCode(429)
                    .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                    .putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(cap.retryAfterSeconds()))
                    .putHeader(HttpHeaders.CONNECTION, "close")
                    .end("{\"errors\":[{\"status\":429,\"title\":\"Too Many Requests\",\"detail\":\"" + cap.detail() + "\"}]}");
            return;
        }
        routing.next();
    }

    private static String bearerOf(String authorization) {
        if (authorization == null || authorization.length() < 8 || authorization.length() > 8192
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).strip();
    }

    private void refuse(RoutingContext routing, boolean presented) {
        routing.request().pause();
        LOG.debugf("Refused %s %s: %s", routing.request().method(), routing.request().path(),
                presented ? "a token that is not valid" : "no token");
        routing.response()
                .setStatusCode(401)
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("WWW-Authenticate", presented ? CHALLENGE + ", error=\"invalid_token\"" : CHALLENGE)
                .putHeader(HttpHeaders.CONNECTION, "close")
                .end(presented ? INVALID : MISSING);
    }
}
