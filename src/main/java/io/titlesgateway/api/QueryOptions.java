package io.titlesgateway.api;

import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.TitlesException;

/**
 * Reads numeric query parameters. They arrive as strings so that "abc" is a clear 400 rather than
 * the 404 JAX-RS gives a query parameter it cannot convert.
 */
final class QueryOptions {

    private QueryOptions() {
    }

    static double confidenceThreshold(String raw) {
        if (raw == null) {
            return NormalizeQuery.DEFAULT_THRESHOLD;
        }
        try {
            double value = Double.parseDouble(raw.strip());
            if (value >= 0 && value <= 1) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw TitlesException.badRequest("confidenceThreshold must be a number from 0 to 1");
    }

    /** An optional whole number within [min, max]; {@code null} when absent. */
    static Integer wholeNumber(String name, String raw, int min, int max) {
        if (raw == null) {
            return null;
        }
        try {
            int value = Integer.parseInt(raw.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw TitlesException.badRequest(name + " must be a whole number from " + min + " to " + max);
    }
}
