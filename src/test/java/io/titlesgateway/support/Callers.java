package io.titlesgateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import io.restassured.RestAssured;

/** Many callers at once against the gateway under test, each with its own request in flight. */
public final class Callers {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Callers() {
    }

    /** Sends {@code count} GETs to {@code path} at the same time and waits for every answer. */
    public static List<HttpResponse<String>> get(int count, String path) {
        URI uri = URI.create(RestAssured.baseURI + ":" + RestAssured.port + path);
        List<CompletableFuture<HttpResponse<String>>> inFlight = IntStream.range(0, count)
                .mapToObj(i -> CLIENT.sendAsync(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        return inFlight.stream().map(CompletableFuture::join).toList();
    }
}
