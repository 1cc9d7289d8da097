package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.titlesgateway.titles.TitlesException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a body declared too large with 413 in the error envelope. The HTTP layer enforces the limit
 * ({@code quarkus.http.limits.max-body-size}) too, but with an empty body; this route runs first for
 * a declared Content-Length. A chunked body that grows past the limit is cut off by the HTTP layer
 * itself: 413 with no body, connection closed. The normalize stream is exempt: it reads its body as
 * it answers, a line at a time, and bounds each line instead.
 */
@ApplicationScoped
public class BodyLimit {

    static final int BEFORE_EVERYTHING = Integer.MIN_VALUE + 100;
    /** Where the routes that answer requests from the router begin: after every route that checks a request. */
    static final int AFTER_THE_CHECKS = BEFORE_EVERYTHING + 2;

    void install(@Observes Router router,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        long limit = maxBodySize.asLongValue();
        TitlesException tooLarge = TitlesException.payloadTooLarge("Request size too large: bodies may be at most " + limit + " bytes");
        router.route().order(BEFORE_EVERYTHING).handler(context -> {
            if (declaredLength(context) > limit && !NormalizeStream.isStream(context.normalizedPath())) {
                Refusals.send(context, tooLarge);
            } else {
                context.next();
            }
        });
    }

    /** The body's length as the request declares it; -1 if it declares none, or none readable. */
    static long declaredLength(RoutingContext context) {
        String length = context.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        if (length == null) {
            return -1;
        }
        try {
            return Long.parseLong(length.strip());
        } catch (NumberFormatException unreadable) {
            return -1;
        }
    }
}
