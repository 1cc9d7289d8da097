package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.titlesgateway.titles.TitlesException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The requests the router fails before any route runs, where the platform would answer with an empty
 * body or its own error page and log an ERROR: one that names no valid host (an HTTP/1.1 request
 * without a {@code Host} header, or with one that is not a host; an HTTP/2 request without
 * {@code :authority}), a 400; and one whose target is not a path (no leading {@code /}, the
 * {@code host:port} of a proxy's {@code CONNECT}), a 404. Each is the caller's malformed request, so
 * it is answered as one, a 400 in the error envelope, and logged at DEBUG. {@code OPTIONS *}, which
 * asks about the server as a whole, is answered with the methods its endpoints take. Every other
 * failure goes on to the usual handlers.
 */
@ApplicationScoped
public class UnroutableRequests {

    private static final Logger LOG = Logger.getLogger(UnroutableRequests.class);
    private static final TitlesException NO_HOST = TitlesException.badRequest(
            "The request must name its host: a Host header (HTTP/1.1) or :authority (HTTP/2) with a valid host");
    private static final TitlesException NOT_A_PATH = TitlesException.badRequest(
            "The request target must be a path starting with / (or an absolute URI), such as /titles/versions/latest/titles");

    void install(@Observes Router router) {
        router.route().order(BodyLimit.BEFORE_EVERYTHING - 1).failureHandler(this::refuse);
    }

    private void refuse(RoutingContext routing) {
        if (routing.response().headWritten()) {
            routing.next();
        } else if (routing.statusCode() == 400 && routing.request().authority() == null) {
            LOG.debugf("%s %s: refused, no valid host", routing.request().method(), routing.request().path());
            Refusals.send(routing, NO_HOST);
        } else if ((routing.statusCode() == 404 || routing.statusCode() == 400) && !isPath(routing.request().path())) {
            notAPath(routing);
        } else {
            routing.next();
        }
    }

    private static boolean isPath(String path) {
        return path != null && path.startsWith("/");
    }

    private static void notAPath(RoutingContext routing) {
        EndpointNames.nameAsNoEndpoint();
        if (HttpMethod.OPTIONS.equals(routing.request().method()) && "*".equals(routing.request().uri())) {
            // what the server as a whole takes (RFC 9110, 9.3.7): the methods of its endpoints together
            routing.response().putHeader(HttpHeaders.ALLOW, AllowedMethods.SERVER_WIDE).setStatusCode(200).end();
            return;
        }
        LOG.debugf("%s %s: refused, the target is not a path", routing.request().method(), routing.request().uri());
        Refusals.send(routing, NOT_A_PATH);
    }
}
