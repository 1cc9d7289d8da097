package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.quarkus.oidc.AccessTokenCredential;
import io.quarkus.oidc.Tenant;
import io.quarkus.oidc.TenantIdentityProvider;
import io.quarkus.oidc.runtime.OidcUtils;
import io.titlesgateway.auth.CallerAuth;
import io.titlesgateway.titles.Spans;
import io.titlesgateway.titles.TitlesException;
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
    private static final TitlesException MISSING = new TitlesException(401, "Unauthorized",
            "A bearer token is required: get one from POST /connect/token with your client credentials");
    private static final TitlesException INVALID = new TitlesException(401, "Unauthorized",
            "The bearer token is not valid: it is expired, or was not issued by this gateway; get a new one from "
                    + "POST /connect/token");

    @Inject
    CallerAuth auth;

    /**
     * Requests per authenticated caller; the label takes only ids of TITLES_CLIENTS, and "idp" for
     * every caller of the identity provider, so it stays bounded.
     */
    @Inject
    MeterRegistry metrics;

    @Inject
    Spans spans;

    /** The span of a caller's admission: who it is, and whether its own caps let it in. */
    static final String ADMISSION = "titles.admission";

    /** The platform's identity provider, when one is configured ({@code quarkus.oidc.*}). */
    @Inject
    @Tenant(OidcUtils.DEFAULT_TENANT_ID)
    Instance<TenantIdentityProvider> identityProvider;

    @ConfigProperty(name = "quarkus.oidc.tenant-enabled", defaultValue = "false")
    boolean identityProviderEnabled;

    void install(@Observes Router router) {
        router.route().order(BodyLimit.BEFORE_EVERYTHING - 1).handler(this::authenticate);
    }

    /** {@code /titles} and below, told apart by hand: a path pattern would be matched on every request. */
    private static boolean isTitlesPath(String path) {
        return path.startsWith("/titles") && (path.length() == "/titles".length() || path.charAt("/titles".length()) == '/');
    }

    private void authenticate(RoutingContext routing) {
        if (!auth.required() || !isTitlesPath(routing.normalizedPath())) {
            routing.next();
            return;
        }
        String authorization = routing.request().getHeader(HttpHeaders.AUTHORIZATION);
        String bearer = bearerOf(authorization);
        String caller = bearer == null ? null : auth.authenticate(bearer);
        if (caller != null) {
            admitted(routing, caller, caller);
            return;
        }
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
        Span.current().setAttribute(Spans.CALLER, caller);
        Span admission = spans.start(ADMISSION, io.opentelemetry.context.Context.current());
        admission.setAttribute(Spans.CALLER, caller);
        TitlesException capped = auth.admit(caller, routing.normalizedPath().contains("/normalize"));
        if (capped != null) {
            admission.setStatus(StatusCode.ERROR, "capped");
        }
        admission.end();
        metrics.counter("titles.caller.requests", "caller", label, "outcome", capped == null ? "admitted" : "capped").increment();
        if (capped != null) {
            Refusals.send(routing, capped);
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
        LOG.debugf("Refused %s %s: %s", routing.request().method(), routing.request().path(),
                presented ? "a token that is not valid" : "no token");
        Refusals.send(routing, presented ? INVALID : MISSING, "WWW-Authenticate",
                presented ? CHALLENGE + ", error=\"invalid_token\"" : CHALLENGE);
    }
}
