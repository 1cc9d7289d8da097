package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A failure that comes after the answer has left (the HTTP layer refused an oversized body while
 * the resource was still at work; the caller hung up mid-answer) can change nothing for the caller:
 * it is what a caller did, not a fault of the gateway, so it is logged as one line at DEBUG, never
 * as an ERROR with a stack trace. A half-written answer is cut off so the caller does not wait.
 * Every other failure goes on to the usual handlers.
 */
@ApplicationScoped
public class LateFailures {

    private static final Logger LOG = Logger.getLogger(LateFailures.class);

    void install(@Observes Router router) {
        router.route().order(BodyLimit.BEFORE_EVERYTHING - 1).failureHandler(this::afterTheAnswer);
    }

    private void afterTheAnswer(RoutingContext routing) {
        HttpServerResponse response = routing.response();
        if (!response.ended() && !response.headWritten() && !response.closed()) {
            routing.next();
            return;
        }
        Throwable failure = routing.failure();
        LOG.debugf("%s %s: after the answer had begun, %s", routing.request().method(), routing.request().path(),
                failure == null ? "status " + routing.statusCode() : failure.getClass().getSimpleName() + ": " + failure.getMessage());
        if (!response.ended() && !response.closed()) {
            response.reset();
        }
    }
}
