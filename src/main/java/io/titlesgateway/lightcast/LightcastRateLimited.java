package io.titlesgateway.lightcast;

import io.titlesgateway.titles.TitlesException;

/**
 * Lightcast answered 429: its per-second rate limit (the budget pauses), or the normalize quota
 * ({@code RateLimit-Remaining: 0}; the budget carries on for the other endpoints).
 */
class LightcastRateLimited extends TitlesException {

    private final boolean quotaExhausted;

    LightcastRateLimited(String detail, long retryAfterSeconds, boolean quotaExhausted) {
        super(429, "Too Many Requests", detail, retryAfterSeconds);
        this.quotaExhausted = quotaExhausted;
    }

    boolean quotaExhausted() {
        return quotaExhausted;
    }
}
