package io.titlesgateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.titlesgateway.titles.TitlesException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request from a Vert.x route, before any resource runs, as the exception mappers would
 * answer it: the error envelope, {@code Retry-After} when there is one, and the connection closed,
 * since the body is left unread.
 */
final class Refusals {

    private static final ObjectMapper JSON = new ObjectMapper();

    private Refusals() {
    }

    static void send(RoutingContext routing, TitlesException refusal) {
        send(routing, refusal, null, null);
    }

    /** The same, with one more header ({@code WWW-Authenticate} for a 401). */
    static void send(RoutingContext routing, TitlesException refusal, String header, String value) {
        routing.request().pause();
        HttpServerResponse response = routing.response();
        if (response.ended() || response.headWritten()) {
            return;
        }
        response.setStatusCode(refusal.status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader(HttpHeaders.CONNECTION, "close");
        if (refusal.retryAfterSeconds() != null) {
            response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(refusal.retryAfterSeconds()));
        }
        if (header != null) {
            response.putHeader(header, value);
        }
        response.end(envelope(refusal));
    }

    private static String envelope(TitlesException refusal) {
        try {
            return JSON.writeValueAsString(ErrorEnvelope.of(refusal.status(), refusal.title(), refusal.detail()));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
