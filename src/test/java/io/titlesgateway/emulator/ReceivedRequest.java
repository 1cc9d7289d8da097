package io.titlesgateway.emulator;

/**
 * One request as the emulator received it, and the status it answered. {@code bearer} is the token
 * the request carried (null if none); {@code atNanos} is {@link System#nanoTime()} on arrival;
 * {@code traceparent} the W3C trace context it carried (null if none).
 */
public record ReceivedRequest(String method, String path, String query, String contentType, String bearer,
        String body, long atNanos, int status, String traceparent) {

    public boolean isTokenRequest() {
        return path.equals("/connect/token");
    }

    public boolean isApiCall() {
        return path.startsWith("/titles");
    }
}
