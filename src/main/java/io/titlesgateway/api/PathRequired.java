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
 * A request whose target is not a path: no leading {@code /} ({@code GET titles/versions/latest}),
 * the {@code host:port} of a proxy's {@code CONNECT}, or nothing at all. The router fails it before
 * any route runs (a 404, or a 400 when the target is empty), and the platform would answer with an
 * empty body. It is the caller's malformed request, so it is answered as one, in the error envelope,
 * and logged at DEBUG. {@code OPTIONS *}, which asks about the server as a whole, is answered with
 * the methods its endpoints take. Every other failure goes on to the usual handlers.
 */
@ApplicationScoped
public class PathRequired {

    private static final Logger LOG = Logger.getLogger(PathRequired.class);
    private static final TitlesException NOT_A_PATH = TitlesException.badRequest(
            "The request target must be a path starting with / (or an absolute URI), such as /titles/versions/latest/titles");

    void install(@Observes Router router) {
        router.route().order(BodyLimit.BEFORE_EVERYTHING - 1).failureHandler(this::refuse);
    }

    private void refuse(RoutingContext routing) {
        String path = routing.request().path();
        boolean notAPath = path == null || !path.startsWith("/");
        if (!notAPath || (routing.statusCode() != 404 && routing.statusCode() != 400) || routing.response().headWritten()) {
            routing.next();
            return;
        }
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
