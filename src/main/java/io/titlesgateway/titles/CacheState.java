package io.titlesgateway.titles;

/** How an answer relates to the cache; sent to callers as {@code X-Cache}. */
public enum CacheState {
    HIT,
    MISS,
    STALE
}
