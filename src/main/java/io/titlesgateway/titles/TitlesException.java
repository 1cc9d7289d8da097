package io.titlesgateway.titles;

/**
 * A failure a caller should see, already in the terms of the Lightcast error envelope: a status,
 * a short title and a detail that says what to do. Carries no stack trace: it is an answer, not a bug.
 */
public class TitlesException extends RuntimeException {

    /** The longest wait any answer asks for: past an hour a caller should look again, not sleep. */
    public static final long MAX_RETRY_AFTER_SECONDS = 3600;

    private final int status;
    private final String title;
    private final Long retryAfterSeconds;

    public TitlesException(int status, String title, String detail, Long retryAfterSeconds) {
        super(detail, null, false, false);
        this.status = status;
        this.title = title;
        this.retryAfterSeconds = retryAfterSeconds == null ? null : retryAfterBounded(retryAfterSeconds);
    }

    /** A wait as {@code Retry-After} may say it: whole seconds, at least 1, at most {@link #MAX_RETRY_AFTER_SECONDS}. */
    public static long retryAfterBounded(long seconds) {
        return Math.max(1, Math.min(seconds, MAX_RETRY_AFTER_SECONDS));
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

    /** Seconds a caller should wait before trying again (1 to 3,600), or {@code null} when waiting would not help. */
    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
