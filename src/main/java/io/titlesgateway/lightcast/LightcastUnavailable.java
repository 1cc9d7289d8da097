package io.titlesgateway.lightcast;

import io.titlesgateway.titles.TitlesException;

/**
 * Lightcast could not answer: a 5xx, a timeout, a dropped connection, an unreachable auth server or
 * an open breaker. The one kind of failure worth a retry, counted by the breaker, and answered
 * from a stale cache entry when there is one.
 */
public class LightcastUnavailable extends TitlesException {

    public LightcastUnavailable(int status, String title, String detail, Long retryAfterSeconds) {
        super(status, title, detail, retryAfterSeconds);
    }

    public static LightcastUnavailable unreachable(String detail) {
        return new LightcastUnavailable(502, "Bad Gateway", detail, null);
    }

    static LightcastUnavailable tooSlow(String detail) {
        return new LightcastUnavailable(504, "Gateway Timeout", detail, null);
    }

    /** The breaker is open; {@code lastFailure} (null if none is known) says why, so the cause is not hidden behind it. */
    static LightcastUnavailable breakerOpen(long retryAfterSeconds, String lastFailure) {
        return new LightcastUnavailable(503, "Service Unavailable",
                "Lightcast is failing; the gateway stopped calling it for a while. Try again later."
                        + (lastFailure == null ? "" : " The last failure: " + lastFailure), retryAfterSeconds);
    }
}
