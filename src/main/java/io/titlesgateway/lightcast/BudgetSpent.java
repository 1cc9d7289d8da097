package io.titlesgateway.lightcast;

import io.titlesgateway.titles.TitlesException;

/** No budget permit could be had before the caller's deadline: 429, and the upstream never heard of it. */
class BudgetSpent extends TitlesException {

    BudgetSpent(long retryAfterSeconds) {
        super(429, "Too Many Requests",
                "The gateway's Lightcast budget is spent for now; try again after the indicated wait.", retryAfterSeconds);
    }
}
