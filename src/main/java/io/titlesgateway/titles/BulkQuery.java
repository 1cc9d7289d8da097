package io.titlesgateway.titles;

import java.util.List;

/** Many raw titles to normalize in one call (at most {@link #MAX_TERMS}). */
public record BulkQuery(List<String> terms, List<String> fields, double confidenceThreshold) {

    public static final int MAX_TERMS = 500;
}
