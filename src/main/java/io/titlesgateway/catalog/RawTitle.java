package io.titlesgateway.catalog;

import java.util.List;

/** A raw title made matchable: its meaningful words, and the seniority it carried as job levels. */
record RawTitle(List<String> words, List<String> jobLevels) {

    boolean isEmpty() {
        return words.isEmpty();
    }

    String text() {
        return String.join(" ", words);
    }
}
