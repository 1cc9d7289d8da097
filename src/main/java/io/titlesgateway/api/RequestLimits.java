package io.titlesgateway.api;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.titlesgateway.titles.TitlesException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The bounds on a request's head, answered in the error envelope like every other refusal: a
 * request line over {@value #MAX_REQUEST_LINE} bytes (a huge query, thousands of parameters) is a
 * 414, a header block over {@value #MAX_HEADER_BYTES} bytes a 431. The HTTP layer's own limits are set
 * higher (64 kB each, {@code quarkus.http.limits.*}), so that these are the ones callers meet; past
 * those, the HTTP layer refuses on its own, with an empty body, before any of the gateway runs. Then
 * the path and query are held to what the rest of the gateway can read alike ({@link MatrixParameters},
 * {@link QueryEncoding}): one route for all of a request's head, since each route costs every request.
 */
@ApplicationScoped
public class RequestLimits {

    static final int MAX_REQUEST_LINE = 8 * 1024;
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private static final TitlesException LINE_TOO_LONG = new TitlesException(414, "URI Too Long",
            "The request line may be at most " + MAX_REQUEST_LINE + " bytes; send long inputs in a body");
    private static final TitlesException HEADERS_TOO_LARGE = new TitlesException(431, "Request Header Fields Too Large",
            "The request headers may be at most " + MAX_HEADER_BYTES + " bytes together");

    void install(@Observes Router router) {
        router.route().order(BodyLimit.BEFORE_EVERYTHING - 3).handler(this::check);
    }

    private void check(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (request.uri().length() + request.method().name().length() + 10 > MAX_REQUEST_LINE) {
            Refusals.send(routing, LINE_TOO_LONG);
        } else if (headerBytes(request) > MAX_HEADER_BYTES) {
            Refusals.send(routing, HEADERS_TOO_LARGE);
        } else {
            TitlesException unreadable = unreadableTarget(request);
            if (unreadable == null) {
                routing.next();
            } else {
                Refusals.send(routing, unreadable);
            }
        }
    }

    /** Why the request's target cannot be read alike by every part of the gateway; {@code null} if it can. */
    private static TitlesException unreadableTarget(HttpServerRequest request) {
        TitlesException refusal = RequestTargets.refusalOf(request.uri());
        if (refusal == null) {
            refusal = MatrixParameters.refusalOf(request.path());
        }
        return refusal != null ? refusal : QueryEncoding.refusalOf(request.query());
    }

    /** The header block's size as sent on HTTP/1.1: each name, ": ", value and line break. */
    private static int headerBytes(HttpServerRequest request) {
        int bytes = 0;
        for (Map.Entry<String, String> header : request.headers()) {
            bytes += header.getKey().length() + header.getValue().length() + 4;
        }
        return bytes;
    }
}
