package io.titlesgateway.lightcast;

/**
 * An upstream answer as the cache keeps it, stamped with when it arrived: an answer stamped after a
 * caller asked was fetched for that caller (a miss), an older one was already there (a hit).
 * {@code value} is {@code null} where Lightcast had nothing (no match, an unknown id).
 */
record Fetched<T>(T value, long fetchedAtNanos) {

    static <T> Fetched<T> now(T value) {
        return new Fetched<>(value, System.nanoTime());
    }

    boolean fetchedSince(long askedAtNanos) {
        return fetchedAtNanos - askedAtNanos >= 0;
    }
}
