package io.titlesgateway.store;

import io.titlesgateway.titles.TitlesException;

/** No budget permit could be had before the caller's deadline: 429, and the upstream never heard of it. */
public class BudgetSpent extends TitlesException {

    public BudgetSpent(long retryAfterSeconds) {
        super(429, "Too Many Requests",
                "The gateway's Lightcast budget is spent for now; try again after the indicated wait.", retryAfterSeconds);
    }

    /** Spent until a permit frees in {@code millis}: Retry-After in whole seconds, rounded up. */
    public static BudgetSpent forMillis(long millis) {
        return new BudgetSpent(Math.max(1, (millis + 999) / 1000));
    }
}
