package io.titlesgateway.api;

import java.util.concurrent.Flow;

import org.jboss.logging.Logger;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/**
 * Writes a stream of buffers to a response already begun, asking for the next only when the
 * connection has room for it; a caller that goes away cancels the stream, and with it the work
 * still to do. Called on the response's event loop.
 */
final class ResponseWriter implements Flow.Subscriber<Buffer> {

    private static final Logger LOG = Logger.getLogger(ResponseWriter.class);

    private final HttpServerResponse response;
    private final Runnable finished;
    private Flow.Subscription subscription;
    private boolean closed;

    /** {@code finished} runs once, however the stream ends: completed, failed or left by its caller. */
    ResponseWriter(HttpServerResponse response, Runnable finished) {
        this.response = response;
        this.finished = finished;
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        response.closeHandler(unused -> callerLeft());
        response.exceptionHandler(failure -> callerLeft());
        subscription.request(1);
    }

    @Override
    public void onNext(Buffer lines) {
        if (closed) {
            return;
        }
        response.write(lines);
        if (response.writeQueueFull()) {
            response.drainHandler(unused -> subscription.request(1));
        } else {
            subscription.request(1);
        }
    }

    @Override
    public void onError(Throwable failure) {
        // every line's own failure is written as that line; this is a bug, so it is logged and the stream cut
        LOG.error("A normalize stream failed", failure);
        if (!closed) {
            closed = true;
            finished.run();
            response.reset();
        }
    }

    @Override
    public void onComplete() {
        if (!closed) {
            closed = true;
            finished.run();
            response.end();
        }
    }

    private void callerLeft() {
        if (!closed) {
            closed = true;
            finished.run();
            subscription.cancel();
        }
    }
}
