package io.titlesgateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.RawRequests;

/**
 * The bodies of requests under way are bounded all together ({@code TITLES_BODIES_IN_FLIGHT}, 16 MB in the
 * tests): past the bound a request with a body is refused with 429 before it is read, and each body is
 * counted out when its request ends, however it ends.
 */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class BodiesInFlightTest extends EmulatedUpstreamTest {

    private static final String BULK = "/titles/versions/5.47/normalize/bulk";
    /** A bulk of one term in a body of 800 kB (white space after the JSON): with 16,000,000 bytes held, past the bound. */
    private static final String NURSE_IN_800_KB = "{\"terms\": [\"registered nurse\"]}" + " ".repeat(800_000);

    @Inject
    MeterRegistry registry;

    /** What other tests' refused bodies left counted is counted out within a second; each test starts from none. */
    @BeforeEach
    void nothingHeld() {
        awaitHeld(0);
    }

    @Test
    void bodiesUnderWayPastTheBoundAreRefusedBeforeTheyAreReadAndCountedOutWhenTheirRequestsEnd() throws IOException {
        List<Socket> slowSenders = new ArrayList<>();
        try {
            for (int i = 0; i < 16; i++) {
                slowSenders.add(RawRequests.startPost(RestAssured.port, BULK, 1_000_000, "{\"terms\": [")); // the head and the first bytes
            }
            awaitHeld(16_000_000);

            given().contentType("application/json").body(NURSE_IN_800_KB).post(BULK).then().statusCode(429)
                    .header("Retry-After", "1")
                    .body("errors[0].detail", containsString("TITLES_BODIES_IN_FLIGHT"));
            assertThat(emulator.apiCalls()).as("nothing of the refused request reached Lightcast").isEmpty();
            given().get("/titles/versions/5.47").then().statusCode(200); // a request without a body is not held back
        } finally {
            for (Socket sender : slowSenders) {
                sender.close();
            }
        }
        awaitHeld(0);
        given().contentType("application/json").body(NURSE_IN_800_KB).post(BULK).then().statusCode(200)
                .body("data[0].title.name", equalTo("Registered Nurse"));
    }

    /**
     * Sixty callers at once, each with a bulk body of half a megabyte (501 terms: one too many, so that the
     * gateway reads each and refuses it without asking Lightcast): each answered 413 or, past the bound,
     * 429 with its Retry-After; none failed by the gateway, and every body counted out at the end.
     */
    @Test
    void aCrowdOfLargeBodiesIsAnsweredOrAskedToComeBackNeverFailed() {
        String term = "\"" + "a".repeat(1_000) + "\"";
        byte[] body = ("{\"terms\": [" + IntStream.range(0, 501).mapToObj(i -> term).collect(Collectors.joining(",")) + "]}")
                .getBytes(StandardCharsets.UTF_8);
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, 60)
                .mapToObj(i -> client.sendAsync(HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + BULK))
                        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(60))
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString()))
                .toList();

        List<Integer> statuses = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.join();
            statuses.add(response.statusCode());
            assertThat(response.statusCode()).as(response.body()).isIn(413, 429);
            if (response.statusCode() == 429) {
                assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
            }
        }
        assertThat(statuses).as("the bound holds 32 such bodies; sixty came at once").contains(429);
        assertThat(emulator.apiCalls()).isEmpty();
        awaitHeld(0);
    }

    /**
     * A chunked body the HTTP layer cuts off at the size limit (1 MB): counted at the limit while under way, and
     * counted out after the HTTP layer's own 413, which answers without the handlers that would say so.
     */
    @Test
    void aBodyTheHttpLayerCutsOffIsCountedOutToo() throws InterruptedException {
        byte[] twoMegabytes = ("{\"terms\":[\"" + "a".repeat(2 * 1024 * 1024) + "\"]}").getBytes(StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(RestAssured.baseURI + ":" + RestAssured.port + BULK))
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(twoMegabytes))).build();
        try {
            HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).isEqualTo(413);
        } catch (IOException closedMidUpload) {
            // the HTTP layer may close the connection before the client has sent the rest: refused all the same
        }
        awaitHeld(0);
    }

    private void awaitHeld(long bytes) {
        Awaitility.await("request bodies held").atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(registry.get("titles.request.bodies.held").gauge().value()).isEqualTo(bytes));
    }
}
