package io.titlesgateway.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.restassured.RestAssured;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;

/**
 * One call to the normalize stream as a real streaming client makes it: the body written line by
 * line while answers arrive, no faster than the connection takes it, and the answer read (or not)
 * as the test decides. Lines received are kept in order.
 */
public final class StreamCall implements AutoCloseable {

    private final HttpClient client;
    private final HttpClientRequest request;
    private final CompletableFuture<HttpClientResponse> response = new CompletableFuture<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private final List<String> lines = new ArrayList<>();
    private final StringBuilder partial = new StringBuilder();
    private final AtomicLong linesWritten = new AtomicLong();
    private volatile boolean readingPaused;

    private StreamCall(HttpClient client, HttpClientRequest request, boolean startPaused) {
        this.client = client;
        this.request = request;
        this.readingPaused = startPaused;
        // the connection closing under the request (the test closing the call) ends the call; unheard, Vert.x logs it as an ERROR
        request.exceptionHandler(ended::completeExceptionally);
        request.response().onSuccess(answer -> {
            if (readingPaused) {
                answer.pause();
            }
            answer.handler(this::received);
            answer.endHandler(unused -> ended.complete(null));
            answer.exceptionHandler(ended::completeExceptionally);
            response.complete(answer);
        }).onFailure(response::completeExceptionally);
    }

    /** Opens the call; with {@code startPaused} nothing of the answer is read until {@link #resumeReading()}. */
    public static StreamCall open(Vertx vertx, String path, String contentType, boolean startPaused) {
        return open(vertx, path, contentType, startPaused, null);
    }

    /** The same, for a caller that authenticates with {@code authorization} (null: none). */
    public static StreamCall open(Vertx vertx, String path, String contentType, boolean startPaused, String authorization) {
        HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("localhost")
                .setDefaultPort(RestAssured.port).setIdleTimeout(120));
        HttpClientRequest request = client.request(HttpMethod.POST, path).toCompletionStage().toCompletableFuture().join();
        request.setChunked(true).putHeader("Content-Type", contentType);
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        request.sendHead();
        return new StreamCall(client, request, startPaused);
    }

    /** Writes lines, waiting while the connection has no room for more; false if {@code patience} ran out first. */
    public boolean write(List<String> body, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        for (String line : body) {
            while (request.writeQueueFull()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(5);
            }
            request.write(Buffer.buffer(line + "\n"));
            linesWritten.incrementAndGet();
        }
        return true;
    }

    public long linesWritten() {
        return linesWritten.get();
    }

    public void end() {
        request.end();
    }

    public void resumeReading() {
        readingPaused = false;
        response.thenAccept(HttpClientResponse::resume);
    }

    public int status() {
        return response.join().statusCode();
    }

    public String header(String name) {
        return response.join().getHeader(name);
    }

    /** Waits until at least {@code count} lines have arrived; false if they did not within {@code patience}. */
    public boolean awaitLines(int count, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (received().size() < count) {
            if (System.nanoTime() > deadline || ended.isDone()) {
                return received().size() >= count;
            }
            Thread.sleep(5);
        }
        return true;
    }

    /** Every line of the answer, once it has ended. */
    public List<String> all(Duration patience) throws Exception {
        ended.get(patience.toMillis(), TimeUnit.MILLISECONDS);
        return received();
    }

    public synchronized List<String> received() {
        return List.copyOf(lines);
    }

    private synchronized void received(Buffer buffer) {
        partial.append(buffer.toString());
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
            lines.add(partial.substring(0, newline));
            partial.delete(0, newline + 1);
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
