package io.titlesgateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;

/**
 * A caller that pipelines HTTP/1.1 requests without reading the answers: the gateway stops reading
 * from that connection instead of queueing every request it sent, and answers every one it took once
 * the caller reads.
 */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class PipelinedRequestsTest extends EmulatedUpstreamTest {

    private static final String SEARCH = "/titles/versions/5.47/titles?q=pipelining&limit=3";
    /** A search the cache answers, once the first has filled it: one call reaches Lightcast. */
    private static final byte[] REQUEST = ("GET " + SEARCH + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    /** Far more than the socket buffers of both ends hold: a gateway that reads it all queues it all. */
    private static final long FLOOD = 64L << 20;

    @Test
    void aCallerThatPipelinesWithoutReadingIsReadNoFurtherAndThenAnsweredInFull() throws IOException {
        given().get(SEARCH).then().statusCode(200);
        try (SocketChannel caller = SocketChannel.open()) {
            caller.setOption(StandardSocketOptions.SO_SNDBUF, 64 * 1024);
            caller.connect(new InetSocketAddress("localhost", RestAssured.port));
            caller.configureBlocking(false);

            long sent = sendUntilTheGatewayStopsReading(caller);
            assertThat(sent).as("bytes of pipelined requests the gateway took in while nothing was read").isLessThan(FLOOD / 2);

            caller.configureBlocking(true);
            long requests = sent / REQUEST.length;
            assertThat(answersRead(caller.socket().getInputStream(), requests)).isEqualTo(requests);
        }
        given().get("/titles/versions/5.47").then().statusCode(200);
        assertThat(emulator.apiCalls("/titles/versions/5.47/titles")).as("searches that reached Lightcast").hasSize(1);
    }

    /** Requests, until the gateway takes nothing more for two seconds (or the flood is all sent); the whole ones. */
    private static long sendUntilTheGatewayStopsReading(SocketChannel caller) throws IOException {
        ByteBuffer requests = ByteBuffer.allocate(REQUEST.length * 10_000);
        long sent = 0;
        try (Selector selector = Selector.open()) {
            caller.register(selector, SelectionKey.OP_WRITE);
            while (sent < FLOOD && selector.select(Duration.ofSeconds(2).toMillis()) > 0) {
                selector.selectedKeys().clear();
                while (requests.remaining() >= REQUEST.length) {
                    requests.put(REQUEST); // the bytes sent are the same request again and again
                }
                requests.flip();
                sent += caller.write(requests);
                requests.compact();
            }
        }
        return sent - sent % REQUEST.length;
    }

    private static long answersRead(InputStream answers, long expected) throws IOException {
        byte[] statusLine = "HTTP/1.1 200 ".getBytes(StandardCharsets.US_ASCII);
        long seen = 0;
        int matched = 0;
        byte[] chunk = new byte[64 * 1024];
        while (seen < expected) {
            int read = answers.read(chunk);
            if (read < 0) {
                break;
            }
            for (int i = 0; i < read; i++) {
                matched = chunk[i] == statusLine[matched] ? matched + 1 : (chunk[i] == statusLine[0] ? 1 : 0);
                if (matched == statusLine.length) {
                    seen++;
                    matched = 0;
                }
            }
        }
        return seen;
    }
}
