package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.titlesgateway.titles.TitlesException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * What each endpoint that takes a body accepts, said in every 415 as Lightcast says it
 * ({@code Accepted Content-Type(s): …}, naming that endpoint's types only); and a body sent with no
 * {@code Content-Type} at all is refused with that 415 before anything reads it, rather than guessed;
 * so is a compressed body ({@code Content-Encoding: gzip}), which the gateway does not decompress.
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
            routing.next();
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
