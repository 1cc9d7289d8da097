package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.quarkus.runtime.configuration.MemorySize;
import io.titlesgateway.titles.TitlesException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Bounds request bodies, one by one and all together, before any is read. A body declared too large is
 * answered 413 in the error envelope: the HTTP layer enforces the limit ({@code quarkus.http.limits.max-body-size})
 * too, but with an empty body; a chunked body that grows past it is cut off by the HTTP layer itself (413, no
 * body, connection closed). And the bodies of requests under way are counted ({@link BodiesInFlight}), each as
 * declared, or at the limit when of unknown length, so that many callers sending large bodies at once get
 * 429s rather than fill the heap: each body is read whole, then parsed, and held while its answer is awaited.
 * The normalize stream is exempt from both: it reads its body as it answers, a line at a time, bounds each line
 * instead, and bounds how many streams are open.
 */
@ApplicationScoped
public class BodyLimit {

    static final int BEFORE_EVERYTHING = Integer.MIN_VALUE + 100;
    /** Where the routes that answer requests from the router begin: after every route that checks a request. */
    static final int AFTER_THE_CHECKS = BEFORE_EVERYTHING + 2;

    void install(@Observes Router router, BodiesInFlight bodies,
            @ConfigProperty(name = "quarkus.http.limits.max-body-size") MemorySize maxBodySize) {
        long limit = maxBodySize.asLongValue();
        TitlesException tooLarge = TitlesException.payloadTooLarge("Request size too large: bodies may be at most " + limit + " bytes");
        TitlesException busy = TitlesException.tooManyRequests("The gateway holds as many request bodies as it may ("
                + bodies.most() + " bytes, TITLES_BODIES_IN_FLIGHT); try again in a moment", 1);
        router.route().order(BEFORE_EVERYTHING).handler(context -> {
            if (NormalizeStream.isStream(context.normalizedPath())) {
                context.next();
                return;
            }
            long length = declaredLength(context);
            if (length > limit) {
                Refusals.send(context, tooLarge);
                return;
            }
            long size = heldSize(context, length, limit);
            if (size > 0 && !bodies.hold(context, size)) {
                Refusals.send(context, busy);
                return;
            }
            context.next();
        });
    }

    /**
     * What a request's body counts for while it is under way: only a POST's is read; one of unknown length
     * (chunked, or over HTTP/2 without a Content-Length) may reach the limit.
     */
    private static long heldSize(RoutingContext context, long declaredLength, long limit) {
        if (context.request().method() != HttpMethod.POST) {
            return 0;
        }
        if (declaredLength >= 0) {
            return declaredLength;
        }
        HttpServerRequest request = context.request();
        boolean bodyToCome = request.version() == HttpVersion.HTTP_2 ? !request.isEnded() : request.headers().contains(HttpHeaders.TRANSFER_ENCODING);
        return bodyToCome ? limit : 0;
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
