package io.titlesgateway.titles;

import java.util.function.Function;

/** A backend's answer with its provenance: where it came from, how the cache served it, quota left. */
public record Answer<T>(T data, Source source, CacheState cache, Quota quota) {

    public static <T> Answer<T> fresh(T data, Source source) {
        return new Answer<>(data, source, CacheState.MISS, Quota.NONE);
    }

    public <R> Answer<R> map(Function<T, R> mapper) {
        return new Answer<>(mapper.apply(data), source, cache, quota);
    }

    public Answer<T> withQuota(Quota newQuota) {
        return new Answer<>(data, source, cache, newQuota);
    }
}
