package io.titlesgateway.emulator;

/**
 * One request as the emulator received it, and the status it answered. {@code bearer} is the token
 * the request carried (null if none); {@code atNanos} is {@link System#nanoTime()} on arrival.
 */
public record ReceivedRequest(String method, String path, String query, String contentType, String bearer,
        String body, long atNanos, int status) {

    public boolean isTokenRequest() {
        return path.equals("/connect/token");
    }

    public boolean isApiCall() {
        return path.startsWith("/titles");
    }
}
