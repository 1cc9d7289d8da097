package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.jboss.logging.MDC;

import io.micrometer.core.instrument.MeterRegistry;
import io.titlesgateway.auth.CallerAuth;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Every {@code /titles} request, the stream included, proves its caller before anything else runs
 * when authentication is required: one that does not gets 401 in the error envelope with
 * {@code WWW-Authenticate}, and nothing reaches the backend. The caller is kept in the routing
 * context and the logging context ({@code caller}).
 */
@ApplicationScoped
public class CallerAuthentication {

    static final String CALLER = "caller";
    private static final Logger LOG = Logger.getLogger(CallerAuthentication.class);
    private static final String CHALLENGE = "Bearer realm=\"titles-gateway\"";
    private static final String MISSING = "{\"errors\":[{\"status\":401,\"title\":\"Unauthorized\",\"detail\":"
            + "\"A bearer token is required: get one from POST /connect/token with your client credentials\"}]}";
    private static final String INVALID = "{\"errors\":[{\"status\":401,\"title\":\"Unauthorized\",\"detail\":"
            + "\"The bearer token is not valid: it is expired, or was not issued by this gateway; get a new one from "
            + "POST /connect/token\"}]}";

    @Inject
    CallerAuth auth;

    /** Requests per authenticated caller; the label takes only ids of TITLES_CLIENTS, so it stays bounded. */
    @Inject
    MeterRegistry metrics;

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
            routing.put(CALLER, caller);
            MDC.put(CALLER, caller);
            CallerAuth.remember(caller);
            CallerAuth.CapReached cap = auth.admit(caller, routing.request().path().contains("/normalize"));
            metrics.counter("titles.caller.requests", "caller", caller, "outcome", cap == null ? "admitted" : "capped").increment();
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
            return;
        }
        routing.request().pause();
        boolean presented = authorization != null;
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
