package io.titlesgateway.api;

import java.util.regex.Pattern;

import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.TitlesException;

/**
 * Reads numeric query parameters. They arrive as strings so that "abc" is a clear 400 rather than
 * the 404 JAX-RS gives a query parameter it cannot convert. A number is written as numbers are
 * everywhere: ASCII digits, a sign, a decimal point and an exponent; Java's own forms ({@code 0.5d},
 * {@code 0x1p-1}) and digits of other scripts (an Arabic-Indic five) are refused rather than read as numbers
 * the caller may not have meant, and sent upstream.
 */
final class QueryOptions {

    private static final Pattern DECIMAL = Pattern.compile("[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?");
    private static final Pattern WHOLE = Pattern.compile("[+-]?[0-9]+");

    private QueryOptions() {
    }

    static double confidenceThreshold(String raw) {
        if (raw == null) {
            return NormalizeQuery.DEFAULT_THRESHOLD;
        }
        String written = raw.strip();
        if (DECIMAL.matcher(written).matches()) {
            double value = Double.parseDouble(written);
            if (value >= 0 && value <= 1) {
                return value;
            }
        }
        throw TitlesException.badRequest("confidenceThreshold must be a number from 0 to 1");
    }

    /** An optional whole number within [min, max]; {@code null} when absent. */
    static Integer wholeNumber(String name, String raw, int min, int max) {
        if (raw == null) {
            return null;
        }
        String written = raw.strip();
        if (WHOLE.matcher(written).matches()) {
            try {
                int value = Integer.parseInt(written);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException beyondAnInt) {
                // answered below
            }
        }
        throw TitlesException.badRequest(name + " must be a whole number from " + min + " to " + max);
    }
}
