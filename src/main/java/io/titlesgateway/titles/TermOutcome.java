package io.titlesgateway.titles;

/**
 * What became of one raw term of a stream: its bulk item, or the failure that kept it from one.
 * Exactly one of {@code item} and {@code failure} is set.
 */
public record TermOutcome(String term, BulkNormalization item, TitlesException failure) {

    public static TermOutcome of(BulkNormalization item) {
        return new TermOutcome(item.term(), item, null);
    }

    public static TermOutcome failed(String term, TitlesException failure) {
        return new TermOutcome(term, null, failure);
    }

    public boolean failed() {
        return failure != null;
    }
}
