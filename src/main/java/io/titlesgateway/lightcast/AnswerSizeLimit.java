package io.titlesgateway.lightcast;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.net.impl.ConnectionBase;

/**
 * Cuts off an answer of the Titles API longer than {@code LIGHTCAST_MAX_ANSWER_SIZE}: the REST client
 * reads a body whole before it parses it, so without this an upstream that sends without end would
 * fill the heap before any timeout. One per connection, between the HTTP decoder and Vert.x; an answer
 * that declares too great a length is refused at its head, one that streams is counted as it comes,
 * and either way its call fails as {@link UnreadableAnswer} and the connection is closed.
 */
final class AnswerSizeLimit extends ChannelInboundHandlerAdapter {

    private static final String NAME = "titles-answer-size-limit";
    private static final String VERTX_HANDLER = "handler";

    private final ConnectionBase connection;
    private final long limit;
    private long read;
    private boolean cutOff;

    private AnswerSizeLimit(ConnectionBase connection, long limit) {
        this.connection = connection;
        this.limit = limit;
    }

    /** Puts the limit on the connection {@code request} goes out on, unless it is there already. */
    static void watch(HttpClientRequest request, long limit) {
        if (!(request.connection() instanceof ConnectionBase connection)) {
            return;
        }
        ChannelPipeline pipeline = connection.channelHandlerContext().pipeline();
        if (pipeline.get(NAME) == null && pipeline.get(VERTX_HANDLER) != null) {
            pipeline.addBefore(VERTX_HANDLER, NAME, new AnswerSizeLimit(connection, limit));
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext context, Object message) {
        if (cutOff) {
            ReferenceCountUtil.release(message);
            return;
        }
        if (message instanceof HttpResponse head) {
            read = 0;
            if (HttpUtil.getContentLength(head, -1L) > limit) {
                cutOff(context, message);
                return;
            }
        }
        if (message instanceof HttpContent content) {
            read += content.content().readableBytes();
            if (read > limit) {
                cutOff(context, message);
                return;
            }
        }
        context.fireChannelRead(message);
    }

    private void cutOff(ChannelHandlerContext context, Object message) {
        cutOff = true;
        ReferenceCountUtil.release(message);
        // the call it fails says why; the connection, closed with it, need not log it as an error of its own
        connection.exceptionHandler(failure -> { });
        context.fireExceptionCaught(UnreadableAnswer.ofApi("longer than " + limit
                + " bytes, the most the gateway reads: LIGHTCAST_MAX_ANSWER_SIZE"));
        context.close();
    }
}
