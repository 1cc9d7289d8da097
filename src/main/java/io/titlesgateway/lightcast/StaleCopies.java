package io.titlesgateway.lightcast;

import java.util.concurrent.CompletableFuture;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CaffeineCache;
import io.titlesgateway.store.Fetched;

/**
 * The last good answer for each cache key, kept long after the fresh entry has expired, so that a
 * caller gets yesterday's answer (marked {@code X-Cache: STALE}) rather than an error while
 * Lightcast cannot answer. Bounded like every cache.
 */
@ApplicationScoped
class StaleCopies {

    static final String CACHE = "lightcast-stale";

    private record Key(String cache, Object key) {
    }

    private final CaffeineCache copies;

    @Inject
    StaleCopies(@CacheName(CACHE) Cache copies) {
        this.copies = copies.as(CaffeineCache.class);
    }

    <T> void remember(String cache, Object key, Fetched<T> answer) {
        copies.put(new Key(cache, key), CompletableFuture.completedFuture(answer));
    }

    /** The last good answer, or {@code null} if there is none. */
    @SuppressWarnings("unchecked")
    <T> Fetched<T> recall(String cache, Object key) {
        CompletableFuture<Object> copy = copies.getIfPresent(new Key(cache, key));
        return copy == null ? null : (Fetched<T>) copy.getNow(null);
    }
}
