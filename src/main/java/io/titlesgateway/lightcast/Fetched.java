package io.titlesgateway.lightcast;

/**
 * An upstream answer as the cache keeps it, stamped with when it arrived: an answer this replica
 * fetched after a caller asked was fetched for that caller (a miss), an older one or one another
 * replica fetched ({@code here} false) was already there (a hit). {@code value} is {@code null}
 * where Lightcast had nothing (no match, an unknown id).
 */
record Fetched<T>(T value, long fetchedAtNanos, boolean here) {

    static <T> Fetched<T> now(T value) {
        return new Fetched<>(value, System.nanoTime(), true);
    }

    /** An answer another replica fetched {@code ageNanos} ago, read from the shared cache. */
    static <T> Fetched<T> shared(T value, long ageNanos) {
        return new Fetched<>(value, System.nanoTime() - ageNanos, false);
    }

    boolean fetchedSince(long askedAtNanos) {
        return here && fetchedAtNanos - askedAtNanos >= 0;
    }

    boolean olderThan(long lifetimeNanos) {
        return System.nanoTime() - fetchedAtNanos > lifetimeNanos;
    }
}
