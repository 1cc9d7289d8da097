package io.titlesgateway.catalog;

import java.util.List;

/**
 * A raw title made matchable.
 *
 * @param words its meaningful words
 * @param jobLevels the seniority it carried, as job levels
 * @param asides the shift, schedule and place words it held: noise in most postings, counted only where a candidate holds them too
 */
record RawTitle(List<String> words, List<String> jobLevels, List<String> asides) {

    boolean isEmpty() {
        return words.isEmpty();
    }

    String text() {
        return String.join(" ", words);
    }
}
