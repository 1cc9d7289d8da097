package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.titlesgateway.titles.TitlesException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a path with matrix parameters ({@code ;name=value} in a segment) before anything else
 * reads it. The REST layer drops them when it matches a path, the gateway's routes do not: the
 * two would read {@code /titles;x/versions/5.47/normalize} as different paths, and only the REST
 * layer's reading names an endpoint, so the checks that go by path (authentication, the caller's
 * caps, the hit path, the body limit) would look at a path no endpoint has. No Lightcast endpoint
 * takes matrix parameters; a {@code ;} a title needs travels percent-encoded, as {@code %3B}.
 */
@ApplicationScoped
public class MatrixParameters {

    private static final TitlesException REFUSED = new TitlesException(400, "Invalid request",
            "The path may not hold ';' (matrix parameters): no endpoint takes them; percent-encode a ';' that belongs to a value as %3B");

    void install(@Observes Router router) {
        router.route().order(BodyLimit.BEFORE_EVERYTHING - 3).handler(this::check);
    }

    private void check(RoutingContext routing) {
        if (routing.request().path().indexOf(';') >= 0) {
            Refusals.send(routing, REFUSED);
        } else {
            routing.next();
        }
    }
}
