package io.titlesgateway.lightcast;

import io.titlesgateway.titles.TitlesException;

/**
 * Lightcast answered 429: its per-second rate limit (the budget pauses), or the normalize quota
 * ({@code RateLimit-Remaining: 0}; the budget carries on for the other endpoints).
 */
class LightcastRateLimited extends TitlesException {

    private final boolean quotaExhausted;
    /** When the quota comes back, as Lightcast said it ({@code RateLimit-Reset}, unbounded); {@code null} if it did not. */
    private final String reset;

    LightcastRateLimited(String detail, long retryAfterSeconds, boolean quotaExhausted) {
        this(detail, retryAfterSeconds, quotaExhausted, null);
    }

    LightcastRateLimited(String detail, long retryAfterSeconds, boolean quotaExhausted, String reset) {
        super(429, "Too Many Requests", detail, retryAfterSeconds);
        this.quotaExhausted = quotaExhausted;
        this.reset = reset;
    }

    String reset() {
        return reset;
    }

    boolean quotaExhausted() {
        return quotaExhausted;
    }
}
