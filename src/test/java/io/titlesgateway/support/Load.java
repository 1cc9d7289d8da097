package io.titlesgateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import io.restassured.RestAssured;

/**
 * Callers that keep the gateway busy: each asks to normalize a title never asked before, and asks
 * the next as soon as it is answered, until {@link #close()}. Counts the answers by status.
 */
public final class Load implements AutoCloseable {

    private static final AtomicLong TERMS = new AtomicLong();

    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Map<Integer, AtomicInteger> byStatus = new ConcurrentHashMap<>();
    private final CompletableFuture<?>[] callers;
    private final URI uri;

    private Load(int callers, String path) {
        this.uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + path);
        this.callers = IntStream.range(0, callers).mapToObj(i -> next()).toArray(CompletableFuture[]::new);
    }

    /** {@code callers} callers, each with one normalize request of a new title in flight at all times. */
    public static Load ofNewTitles(int callers, String version) {
        return new Load(callers, "/titles/versions/" + version + "/normalize");
    }

    private CompletableFuture<Void> next() {
        if (!running.get()) {
            return CompletableFuture.completedFuture(null);
        }
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("load title " + TERMS.incrementAndGet())).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                .handle((answer, failure) -> {
                    byStatus.computeIfAbsent(answer == null ? -1 : answer.statusCode(), status -> new AtomicInteger()).incrementAndGet();
                    return null;
                })
                .thenCompose(unused -> next());
    }

    /** Answers received so far with {@code status} (-1: no answer). */
    public int answered(int status) {
        AtomicInteger count = byStatus.get(status);
        return count == null ? 0 : count.get();
    }

    /** Stops asking, and waits for the requests in flight to be answered. */
    @Override
    public void close() {
        running.set(false);
        CompletableFuture.allOf(callers).orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
    }
}
