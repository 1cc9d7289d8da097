package io.titlesgateway.api;

import java.util.ArrayDeque;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Bounds the requests a connection has under way when its caller pipelines them (sends HTTP/1.1 requests one
 * after another without waiting for the answers). Vert.x alone reads such requests as fast as they come and
 * keeps each in a queue until its turn, whatever the queue's length: a caller that pipelined without reading
 * its answers filled a pod's heap in seconds. Here, between the HTTP decoder and Vert.x, at most
 * {@value #MOST_UNANSWERED} requests go on whose answers have not yet been handed to the socket; the
 * requests that come meanwhile wait here, and the connection reads no more until they have gone on. So a
 * connection holds at most that many answers and one read's worth of requests, and a caller that reads its
 * answers is served as fast as before.
 */
final class PipelineBound extends ChannelDuplexHandler {

    private static final String NAME = "titles-pipeline-bound";
    private static final String VERTX_HANDLER = "handler";

    /**
     * Requests a connection may have under way at once, their answers not yet handed to the socket: enough for a
     * caller that pipelines in batches to be served as fast as Vert.x alone serves it (its answers flushed together).
     */
    static final int MOST_UNANSWERED = 16;

    private final ArrayDeque<Object> waiting = new ArrayDeque<>();
    /** Requests gone on to Vert.x whose answers have not yet been handed to the socket. */
    private int unanswered;

    private PipelineBound(int unanswered) {
        this.unanswered = unanswered;
    }

    /** Puts the hold on the connection of this request, itself under way, unless it is there already. */
    static void hold(ConnectionBase connection) {
        ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
        if (pipeline.get(NAME) == null && pipeline.get(VERTX_HANDLER) != null) {
            pipeline.addBefore(VERTX_HANDLER, NAME, new PipelineBound(1));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (!waiting.isEmpty() || (message instanceof HttpRequest && unanswered >= MOST_UNANSWERED)) {
            waiting.add(message);
            context.channel().config().setAutoRead(false);
            return;
        }
        if (message instanceof HttpRequest) {
            unanswered++;
        }
        context.fireChannelRead(message);
    }

    @Override
    public void write(ChannelHandlerContext context, Object message, ChannelPromise promise) {
        if (endsAnAnswer(message)) {
            ChannelPromise written = promise.unvoid();
            written.addListener(done -> answered(context));
            context.write(message, written);
        } else {
            context.write(message, promise);
        }
    }

    /** The last part of a final answer (an interim one, {@code 100 Continue}, answers nothing). */
    private static boolean endsAnAnswer(Object message) {
        return message instanceof LastHttpContent
                && !(message instanceof HttpResponse head && head.status().codeClass() == HttpStatusClass.INFORMATIONAL);
    }

    /** On the connection's event loop, often while Vert.x is still ending the answer: what waits goes on after. */
    private void answered(ChannelHandlerContext context) {
        unanswered--;
        if (!waiting.isEmpty()) {
            context.executor().execute(() -> passWaiting(context));
        }
    }

    private void passWaiting(ChannelHandlerContext context) {
        if (context.isRemoved()) {
            return;
        }
        boolean passed = false;
        while (!waiting.isEmpty() && !(waiting.peek() instanceof HttpRequest && unanswered >= MOST_UNANSWERED)) {
            Object next = waiting.poll();
            if (next instanceof HttpRequest) {
                unanswered++;
            }
            context.fireChannelRead(next);
            passed = true;
        }
        if (passed) {
            // as after a read from the socket: Vert.x flushes what these requests wrote
            context.fireChannelReadComplete();
        }
        if (waiting.isEmpty()) {
            context.channel().config().setAutoRead(true);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext context) {
        releaseWaiting();
        context.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext context) {
        releaseWaiting();
    }

    private void releaseWaiting() {
        while (!waiting.isEmpty()) {
            ReferenceCountUtil.release(waiting.poll());
        }
    }
}
