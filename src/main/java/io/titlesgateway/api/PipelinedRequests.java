package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Bounds what a caller that pipelines HTTP/1.1 requests without reading the answers can make the
 * gateway hold: on its first request, each HTTP/1.x connection gets {@link PipelineBound}. Not HTTP/2,
 * whose streams this does not bound (see docs/security.md).
 */
@ApplicationScoped
public class PipelinedRequests {

    void install(@Observes Router router) {
        router.route().order(BodyLimit.BEFORE_EVERYTHING - 5).handler(this::hold);
    }

    private void hold(RoutingContext routing) {
        if (routing.request().version() != HttpVersion.HTTP_2 && routing.request().connection() instanceof ConnectionBase connection) {
            PipelineBound.hold(connection);
        }
        routing.next();
    }
}
