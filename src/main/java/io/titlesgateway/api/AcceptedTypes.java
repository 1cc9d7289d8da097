package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.titlesgateway.titles.TitlesException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What each endpoint that takes a body accepts, said in every 415 as Lightcast says it
 * ({@code Accepted Content-Type(s): …}, naming that endpoint's types only); and a body sent with no
 * {@code Content-Type} at all is refused with that 415 before anything reads it, rather than guessed;
 * so is a compressed body ({@code Content-Encoding: gzip}), which the gateway does not decompress.
 * A body accepted, a client waiting to be asked for it is asked.
 */
@ApplicationScoped
public class AcceptedTypes {

    static final String TOKEN_PATH = "/connect/token";
    private static final String NDJSON = "application/x-ndjson";

    void install(@Observes Router router) {
        router.post().order(BodyLimit.BEFORE_EVERYTHING + 1).handler(this::typeRequired);
    }

    private void typeRequired(RoutingContext routing) {
        if (of(routing.normalizedPath()) == null) {
            routing.next();
        } else if (routing.request().getHeader(HttpHeaders.CONTENT_TYPE) == null) {
            Refusals.send(routing, refusal(routing.normalizedPath()));
        } else if (!isIdentity(routing.request().getHeader(HttpHeaders.CONTENT_ENCODING))) {
            Refusals.send(routing, new TitlesException(415, "Unsupported Content Type", "Content-Encoding "
                    + routing.request().getHeader(HttpHeaders.CONTENT_ENCODING).strip() + " is not accepted: send the body uncompressed"));
        } else {
            inviteTheBody(routing);
            routing.next();
        }
    }

    /**
     * Tells a client that asked before sending its body ({@code Expect: 100-continue}) to send it, its
     * request's head having passed every check (size, caller, type): such a client had waited its own
     * timeout for word (a second, for curl and the libraries built on it) before sending anyway. A head
     * refused is answered without inviting the body. The stream says so itself, once it takes the stream on.
     */
    private static void inviteTheBody(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        if (request.version() != HttpVersion.HTTP_1_0 && "100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))
                && !NormalizeStream.isStream(routing.normalizedPath())) {
            routing.response().writeContinue();
        }
    }

    /**
     * Whether a body sent with this {@code Content-Encoding} is the bytes as they are: no header, or
     * {@code identity}. The gateway decompresses nothing, so a compressed body would be read as JSON or
     * text it is not (RFC 9110, 8.4: such a body is refused with 415).
     */
    private static boolean isIdentity(String contentEncoding) {
        return contentEncoding == null || contentEncoding.isBlank() || contentEncoding.strip().equalsIgnoreCase("identity");
    }

    /** The 415 for {@code path}. */
    static TitlesException refusal(String path) {
        String accepted = of(path);
        return new TitlesException(415, "Unsupported Content Type",
                "Accepted Content-Type(s): " + (accepted == null ? "none: this endpoint takes no body" : accepted));
    }

    /** The types a POST to {@code path} takes, as a 415 lists them; {@code null} for a path that takes no body. */
    static String of(String path) {
        if (path == null) {
            return null;
        }
        if (path.equals(TOKEN_PATH)) {
            return "application/x-www-form-urlencoded";
        }
        if (!path.startsWith("/titles/versions/")) {
            return null;
        }
        if (path.endsWith("/normalize") || path.endsWith("/normalize/inspect") || path.endsWith("/normalize/bulk")) {
            return "application/json, text/plain";
        }
        if (path.endsWith("/normalize/stream")) {
            return "text/plain, " + NDJSON;
        }
        return path.endsWith("/titles") ? "application/json" : null;
    }
}
