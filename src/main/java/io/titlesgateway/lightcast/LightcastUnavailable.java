package io.titlesgateway.lightcast;

import io.titlesgateway.titles.TitlesException;

/**
 * Lightcast could not answer: a 5xx, a timeout, a dropped connection, an unreachable auth server or
 * an open breaker, or an answer that cannot be read. The one kind of failure worth a retry (unless
 * {@link #worthRetrying()} says otherwise), counted by the breaker, and answered from a stale cache
 * entry when there is one.
 */
public class LightcastUnavailable extends TitlesException {

    private final boolean answeredForQuota;

    public LightcastUnavailable(int status, String title, String detail, Long retryAfterSeconds) {
        this(status, title, detail, retryAfterSeconds, false);
    }

    private LightcastUnavailable(int status, String title, String detail, Long retryAfterSeconds, boolean answeredForQuota) {
        super(status, title, detail, retryAfterSeconds);
        this.answeredForQuota = answeredForQuota;
    }

    /**
     * A 200 that could not be read, from an endpoint that costs normalize quota: Lightcast answered,
     * so it counted the call against the quota.
     */
    static LightcastUnavailable answeredUnreadably(String detail) {
        return new LightcastUnavailable(502, "Bad Gateway", detail, null, true);
    }

    /** Whether Lightcast answered a call that costs normalize quota, though not so that it could be read: the call counted. */
    public boolean answeredForQuota() {
        return answeredForQuota;
    }

    /** Whether asking again may help, and costs no more than a permit: not when the quota was spent on an answer. */
    public boolean worthRetrying() {
        return !answeredForQuota;
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
