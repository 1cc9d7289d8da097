package io.titlesgateway.api;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Flow;

import io.vertx.core.Context;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;

/**
 * A request body as chunks of lines, for one subscriber, with back-pressure: the body is read (a
 * network buffer at a time) only while the subscriber wants chunks, so a slow caller or a slow
 * upstream stops the sender through TCP. A chunk leaves when it holds {@value #CHUNK_LINES} lines,
 * when the subscriber has waited the window for it to fill, or at the end of the body. Everything runs on the
 * request's event loop. Memory: the lines of one network buffer plus one chunk, each line cut at
 * {@value #MAX_LINE_BYTES} bytes.
 */
final class LineChunks implements Flow.Publisher<List<LineChunks.Line>> {

    /** Lines per chunk: what one bulk call carries. */
    static final int CHUNK_LINES = 500;
    /** Longest line kept; the rest of a longer one is dropped and the line answered as too large. */
    static final int MAX_LINE_BYTES = 16 * 1024;

    /**
     * One line of the body, without its line break; {@code truncated} when it was longer than kept,
     * {@code notUtf8} when its bytes are not UTF-8 (its text then has them replaced, for the echo only).
     */
    record Line(String text, boolean truncated, boolean notUtf8) {
    }

    private final HttpServerRequest request;
    private final Context context;
    private final long windowMillis;

    private Flow.Subscriber<? super List<Line>> subscriber;
    private final ArrayDeque<List<Line>> ready = new ArrayDeque<>();
    private List<Line> current = new ArrayList<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private boolean partialTruncated;
    private long demand;
    private long timer = -1;
    private boolean reading;
    private boolean ended;
    private boolean done;

    /** {@code request} must be paused; it is read only through this publisher from now on. */
    LineChunks(HttpServerRequest request, Context context, long windowMillis) {
        this.request = request;
        this.context = context;
        this.windowMillis = windowMillis;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super List<Line>> subscriber) {
        this.subscriber = subscriber;
        request.handler(this::onData);
        request.endHandler(unused -> onEnd());
        request.exceptionHandler(this::fail);
        subscriber.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {
                context.runOnContext(unused -> more(n));
            }

            @Override
            public void cancel() {
                context.runOnContext(unused -> stop());
            }
        });
    }

    private void more(long n) {
        if (n <= 0) {
            fail(new IllegalArgumentException("Chunks requested must be positive"));
            return;
        }
        demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
        pump();
    }

    private void onData(Buffer buffer) {
        reading = false;
        byte[] bytes = buffer.getBytes();
        int from = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                append(bytes, from, i);
                lineEnded();
                from = i + 1;
            }
        }
        append(bytes, from, bytes.length);
        pump();
    }

    private void append(byte[] bytes, int from, int to) {
        int room = MAX_LINE_BYTES - partial.size();
        int length = to - from;
        if (length > room) {
            partialTruncated = true;
            length = Math.max(0, room);
        }
        partial.write(bytes, from, length);
    }

    private void lineEnded() {
        byte[] bytes = partial.toByteArray();
        String text = Utf8.decodeOrNull(bytes, 0, bytes.length);
        boolean notUtf8 = text == null && !partialTruncated; // a line cut at the limit may end mid-character
        if (text == null) {
            text = new String(bytes, StandardCharsets.UTF_8);
        }
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        add(new Line(text, partialTruncated, notUtf8));
        partial.reset();
        partialTruncated = false;
    }

    private void add(Line line) {
        current.add(line);
        if (current.size() == CHUNK_LINES) {
            chunkReady();
        }
    }

    /** The subscriber has waited the window for a full chunk: it gets what there is. */
    private void windowClosed() {
        timer = -1;
        if (!current.isEmpty() && !done && demand > 0) {
            chunkReady();
            pump();
        }
    }

    private void chunkReady() {
        cancelTimer();
        ready.add(current);
        current = new ArrayList<>();
    }

    private void onEnd() {
        ended = true;
        if (partial.size() > 0 || partialTruncated) {
            lineEnded();
        }
        if (!current.isEmpty()) {
            chunkReady();
        }
        pump();
    }

    private void pump() {
        if (done) {
            return;
        }
        while (demand > 0 && !ready.isEmpty()) {
            demand--;
            subscriber.onNext(ready.poll());
        }
        if (ready.isEmpty() && ended) {
            done = true;
            subscriber.onComplete();
        } else if (demand > 0 && ready.isEmpty()) {
            // the window runs only while the subscriber waits: lines read ahead of its demand wait for company
            if (!current.isEmpty() && timer < 0) {
                timer = context.owner().setTimer(windowMillis, unused -> windowClosed());
            }
            if (!reading) {
                reading = true;
                request.fetch(1);
            }
        }
    }

    private void fail(Throwable failure) {
        if (!done) {
            stop();
            subscriber.onError(failure);
        }
    }

    private void stop() {
        done = true;
        cancelTimer();
        ready.clear();
        current = new ArrayList<>();
    }

    private void cancelTimer() {
        if (timer >= 0) {
            context.owner().cancelTimer(timer);
            timer = -1;
        }
    }
}
