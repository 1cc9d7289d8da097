package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.titlesgateway.titles.TitlesException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A request that names no valid host (an HTTP/1.1 request without a {@code Host} header, or with one
 * that is not a host; an HTTP/2 request without {@code :authority}) is failed by the router with a
 * 400 before any route runs. It is a caller's fault, so it is answered in the error envelope like
 * every other refusal and logged at DEBUG, where the platform would answer with its own error page
 * and log an ERROR for each such request. Every other failure goes on to the usual handlers.
 */
@ApplicationScoped
public class HostRequired {

    private static final Logger LOG = Logger.getLogger(HostRequired.class);
    private static final TitlesException NO_HOST = TitlesException.badRequest(
            "The request must name its host: a Host header (HTTP/1.1) or :authority (HTTP/2) with a valid host");

    void install(@Observes Router router) {
        router.route().order(BodyLimit.BEFORE_EVERYTHING - 1).failureHandler(this::refuse);
    }

    private void refuse(RoutingContext routing) {
        if (routing.statusCode() != 400 || routing.request().authority() != null || routing.response().headWritten()) {
            routing.next();
            return;
        }
        LOG.debugf("%s %s: refused, no valid host", routing.request().method(), routing.request().path());
        Refusals.send(routing, NO_HOST);
    }
}
