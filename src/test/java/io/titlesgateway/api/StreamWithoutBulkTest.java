package io.titlesgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.Metrics;
import io.titlesgateway.support.Terms;

/**
 * Without bulk access ({@code LIGHTCAST_BULK_ENABLED} unset) the stream still works, one normalize
 * call per distinct term under the budget, and a caller that leaves stops those calls.
 */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class StreamWithoutBulkTest extends EmulatedUpstreamTest {

    @Test
    void eachDistinctTermIsOneNormalizeCall() {
        List<String> terms = Terms.distinct(30);
        String body = String.join("\n", terms) + "\n" + String.join("\n", terms);

        String[] lines = RestAssured.given().contentType("text/plain").body(body).post(StreamTest.PATH)
                .then().statusCode(200).extract().asString().split("\n");

        assertThat(lines).hasSize(60);
        for (int i = 0; i < 60; i++) {
            assertThat(lines[i]).contains("\"term\":\"" + terms.get(i % 30) + "\"");
        }
        assertThat(emulator.apiCalls("/normalize")).hasSize(30);
        assertThat(emulator.apiCalls("/normalize/bulk")).isEmpty();
    }

    @Test
    void aCallerThatLeavesStopsItsSingleCalls() throws Exception {
        RestAssured.given().get("/titles/versions/5.47").then().statusCode(200);
        emulator.hold("/normalize");
        List<String> terms = Terms.distinct(500);
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            byte[] body = (String.join("\n", terms) + "\n").getBytes(StandardCharsets.UTF_8);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + StreamTest.PATH + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\nContent-Length: "
                    + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(in.read(new byte[1])).as("the answer has begun").isEqualTo(1);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !emulator.apiCalls("/normalize").isEmpty());
        }
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> Metrics.value("titles_streams_open") == 0);
        emulator.release();

        Thread.sleep(1_500); // what must not happen has no event to wait for: give it ample time to happen
        // the calls under way when it left complete (some still queued for a connection then); no other starts
        assertThat(emulator.apiCalls("/normalize")).as("at most LIGHTCAST_RATE_LIMIT (50 here) under way; the body is 500")
                .hasSizeLessThanOrEqualTo(50);
    }
}
