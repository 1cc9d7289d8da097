package io.titlesgateway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.titlesgateway.titles.TitlesException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request from a Vert.x route, before any resource runs, as the exception mappers would
 * answer it: the error envelope, {@code Retry-After} when there is one, and the rest of the body
 * declined, since it is left unread: on HTTP/1.1 the answer says {@code Connection: close} and the
 * body is not read (a caller that keeps the connection open anyway meets the HTTP layer's idle
 * timeout, {@code quarkus.http.idle-timeout}); on HTTP/2, where a
 * {@code Connection} header is a protocol error, the stream alone is reset with NO_ERROR after the
 * answer, which tells the client to stop sending without failing its request (RFC 9113, 8.1).
 * A request whose body the router has read is answered the same way, its connection kept
 * ({@link #answer}).
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
        boolean http2 = routing.request().version() == HttpVersion.HTTP_2;
        if (!http2) {
            response.putHeader(HttpHeaders.CONNECTION, "close");
        }
        if (header != null) {
            response.putHeader(header, value);
        }
        write(response, refusal, atTokenEndpoint(routing) ? oauthError(refusal) : envelope(refusal));
        if (http2 && !routing.request().isEnded()) {
            response.reset(0);
        }
    }

    /** Whether the request is for the token endpoint; a target that is no URI is read as written, since it cannot be normalized. */
    private static boolean atTokenEndpoint(RoutingContext routing) {
        String path = RequestTargets.normalizedPathOrNull(routing);
        return AcceptedTypes.TOKEN_PATH.equals(path != null ? path : routing.request().path());
    }

    /**
     * Answers a failure of a request whose body has been read, as the exception mappers would: the
     * envelope and {@code Retry-After}; the connection stays open for the caller's next request.
     */
    static void answer(RoutingContext routing, TitlesException failure) {
        HttpServerResponse response = routing.response();
        if (!response.ended() && !response.headWritten() && !response.closed()) {
            write(response, failure, envelope(failure));
        }
    }

    private static void write(HttpServerResponse response, TitlesException refusal, String body) {
        response.setStatusCode(refusal.status()).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (refusal.retryAfterSeconds() != null) {
            response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(refusal.retryAfterSeconds()));
        }
        response.end(body);
    }

    /** At the token endpoint every answer is OAuth's: the refusal as {@code invalid_request}, with its status. */
    private static String oauthError(TitlesException refusal) {
        try {
            return JSON.writeValueAsString(TokenResource.errorBody("invalid_request", refusal.detail()));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static String envelope(TitlesException refusal) {
        try {
            return JSON.writeValueAsString(ErrorEnvelope.of(refusal.status(), refusal.title(), refusal.detail()));
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException(impossible);
        }
    }
}
