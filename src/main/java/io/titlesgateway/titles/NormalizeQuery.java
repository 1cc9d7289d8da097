package io.titlesgateway.titles;

import java.util.List;

/**
 * One raw title to normalize. {@code limit} is the number of candidates for inspect and is
 * ignored by normalize.
 */
public record NormalizeQuery(String term, List<String> fields, double confidenceThreshold, int limit) {

    public static final double DEFAULT_THRESHOLD = 0.5;
    public static final int DEFAULT_INSPECT_LIMIT = 5;
}
