package io.titlesgateway.support;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

import io.restassured.RestAssured;

/** Many callers at once against the gateway under test, each with its own request in flight. */
public final class Callers {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Callers() {
    }

    /** Sends {@code count} GETs to {@code path} at the same time and waits for every answer. */
    public static List<HttpResponse<String>> get(int count, String path) {
        return get(count, i -> path);
    }

    /** Sends {@code count} GETs at the same time, the i-th to {@code path(i)}, and waits for every answer. */
    public static List<HttpResponse<String>> get(int count, IntFunction<String> path) {
        List<CompletableFuture<HttpResponse<String>>> inFlight = IntStream.range(0, count)
                .mapToObj(i -> CLIENT.sendAsync(HttpRequest.newBuilder(uri(path.apply(i))).timeout(Duration.ofSeconds(30))
                        .GET().build(), HttpResponse.BodyHandlers.ofString()))
                .toList();
        return inFlight.stream().map(CompletableFuture::join).toList();
    }

    /** Sends {@code count} JSON POSTs at the same time, the i-th with {@code body(i)}, and waits for every answer. */
    public static List<HttpResponse<String>> postJson(int count, String path, IntFunction<String> body) {
        List<CompletableFuture<HttpResponse<String>>> inFlight = IntStream.range(0, count)
                .mapToObj(i -> CLIENT.sendAsync(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body.apply(i))).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        return inFlight.stream().map(CompletableFuture::join).toList();
    }

    /** Sends every request at the same time and waits for every answer, in the order given. */
    public static List<HttpResponse<String>> send(List<HttpRequest> requests) {
        return sendAsync(requests).stream().map(CompletableFuture::join).toList();
    }

    /** Sends every request at once, without waiting: the answers to come, in the order given. */
    public static List<CompletableFuture<HttpResponse<String>>> sendAsync(List<HttpRequest> requests) {
        return requests.stream().map(request -> CLIENT.sendAsync(request, HttpResponse.BodyHandlers.ofString())).toList();
    }

    public static HttpRequest getRequest(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    /** The same, for a caller that authenticates with {@code authorization}. */
    public static HttpRequest getRequest(String path, String authorization) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).header("Authorization", authorization).GET().build();
    }

    public static HttpRequest postJsonRequest(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** The same, for a caller that authenticates with {@code authorization}. */
    public static HttpRequest postJsonRequest(String path, String body, String authorization) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", authorization).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    public static HttpRequest postFormRequest(String path, String form) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
    }

    private static URI uri(String path) {
        return URI.create(RestAssured.baseURI + ":" + RestAssured.port + path);
    }
}
