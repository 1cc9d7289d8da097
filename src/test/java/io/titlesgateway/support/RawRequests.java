package io.titlesgateway.support;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Requests sent byte for byte as written, as no HTTP client would send them: a target that is no URI
 * ({@code q=100%}), one that is not a path, a made-up method.
 */
public final class RawRequests {

    private RawRequests() {
    }

    /**
     * Sends {@code requestLine} over HTTP/1.1 to the gateway on {@code port}, with a {@code Host}, an
     * empty body and {@code Connection: close}, and reads the whole answer, head and body, as text.
     */
    public static String send(int port, String requestLine) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException failed) {
            throw new IllegalStateException(failed);
        }
    }

    /**
     * Opens a connection to the gateway on {@code port} and sends a JSON {@code POST} to {@code path} whose head
     * declares a body of {@code declaredLength} bytes, then only {@code firstBytes} of it: a request under way
     * for as long as the returned socket stays open.
     */
    public static Socket startPost(int port, String path, int declaredLength, String firstBytes) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.getOutputStream().write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + declaredLength + "\r\n\r\n" + firstBytes).getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        return socket;
    }
}
