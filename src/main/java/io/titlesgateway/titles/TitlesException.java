package io.titlesgateway.titles;

/**
 * A failure a caller should see, already in the terms of the Lightcast error envelope: a status,
 * a short title and a detail that says what to do. Carries no stack trace: it is an answer, not a bug.
 */
public class TitlesException extends RuntimeException {

    private final int status;
    private final String title;
    private final Long retryAfterSeconds;

    public TitlesException(int status, String title, String detail, Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public TitlesException(int status, String title, String detail) {
        this(status, title, detail, null);
    }

    public static TitlesException badRequest(String detail) {
        return new TitlesException(400, "Invalid request", detail);
    }

    public static TitlesException notFound(String detail) {
        return new TitlesException(404, "URL not found", detail);
    }

    public static TitlesException payloadTooLarge(String detail) {
        return new TitlesException(413, "Payload Too Large", detail);
    }

    public static TitlesException tooManyRequests(String detail, long retryAfterSeconds) {
        return new TitlesException(429, "Too Many Requests", detail, retryAfterSeconds);
    }

    public static TitlesException badGateway(String detail) {
        return new TitlesException(502, "Bad Gateway", detail);
    }

    public static TitlesException unavailable(String detail, long retryAfterSeconds) {
        return new TitlesException(503, "Service Unavailable", detail, retryAfterSeconds);
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String detail() {
        return getMessage();
    }

    /** Seconds a caller should wait before trying again, or {@code null} when waiting would not help. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
