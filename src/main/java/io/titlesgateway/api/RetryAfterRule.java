package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.titlesgateway.titles.TitlesException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;

/**
 * Every 429 and 503 the gateway sends carries a {@code Retry-After} a caller can use: whole
 * seconds, at least 1, at most {@value TitlesException#MAX_RETRY_AFTER_SECONDS}. Each cause sets its
 * own wait ({@link TitlesException} keeps it in bounds); this rule, on every response as its head
 * leaves, makes it so for answers no cause shaped (the HTTP layer's own), and for any that slipped.
 */
@ApplicationScoped
public class RetryAfterRule {

    void install(@Observes Router router) {
        router.route().order(BodyLimit.BEFORE_EVERYTHING - 1).handler(routing -> {
            HttpServerResponse response = routing.response();
            routing.addHeadersEndHandler(unused -> keepUsable(response));
            routing.next();
        });
    }

    private static void keepUsable(HttpServerResponse response) {
        int status = response.getStatusCode();
        if (status != 429 && status != 503) {
            return;
        }
        String said = response.headers().get(HttpHeaders.RETRY_AFTER);
        response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(TitlesException.retryAfterBounded(seconds(said))));
    }

    /** The seconds a Retry-After says; 1 when it says none, or an HTTP date, or something else. */
    private static long seconds(String said) {
        if (said == null) {
            return 1;
        }
        try {
            return Long.parseLong(said.strip());
        } catch (NumberFormatException notSeconds) {
            return 1;
        }
    }
}
