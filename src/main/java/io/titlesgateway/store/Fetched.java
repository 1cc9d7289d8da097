package io.titlesgateway.store;

/**
 * An upstream answer as the cache keeps it, stamped with when it arrived in this replica: an
 * answer this replica fetched after a caller asked was fetched for that caller (a miss); an older
 * one, or one another replica fetched ({@code here} false, {@code ageAtArrivalNanos} old when read
 * from the shared cache), was already there (a hit). {@code value} is {@code null} where Lightcast
 * had nothing (no match, an unknown id).
 */
public record Fetched<T>(T value, long arrivedAtNanos, long ageAtArrivalNanos, boolean here) {

    public static <T> Fetched<T> now(T value) {
        return new Fetched<>(value, System.nanoTime(), 0, true);
    }

    /** An answer another replica fetched {@code ageNanos} ago, read from the shared cache. */
    public static <T> Fetched<T> shared(T value, long ageNanos) {
        return new Fetched<>(value, System.nanoTime(), ageNanos, false);
    }

    /** Whether it came into this replica, from Lightcast or from the shared cache, since {@code askedAtNanos}. */
    public boolean arrivedSince(long askedAtNanos) {
        return arrivedAtNanos - askedAtNanos >= 0;
    }

    /** Whether this replica fetched it from Lightcast since {@code askedAtNanos}: a miss. */
    public boolean fetchedSince(long askedAtNanos) {
        return here && arrivedSince(askedAtNanos);
    }

    public boolean olderThan(long lifetimeNanos) {
        return System.nanoTime() - arrivedAtNanos + ageAtArrivalNanos > lifetimeNanos;
    }
}
