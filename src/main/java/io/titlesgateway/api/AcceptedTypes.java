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
 * {@code Content-Type} at all is refused with that 415 before anything reads it, rather than guessed.
 */
@ApplicationScoped
public class AcceptedTypes {

    static final String TOKEN_PATH = "/connect/token";
    private static final String NDJSON = "application/x-ndjson";

    void install(@Observes Router router) {
        router.post().order(BodyLimit.BEFORE_EVERYTHING + 1).handler(this::typeRequired);
    }

    private void typeRequired(RoutingContext routing) {
        if (of(routing.normalizedPath()) != null && routing.request().getHeader(HttpHeaders.CONTENT_TYPE) == null) {
            Refusals.send(routing, refusal(routing.normalizedPath()));
        } else {
            routing.next();
        }
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
