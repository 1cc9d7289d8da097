package io.titlesgateway.lightcast;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheManager;
import io.quarkus.cache.CompositeCacheKey;
import io.quarkus.cache.CacheKey;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CacheResult;
import io.quarkus.cache.CaffeineCache;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.ServiceMeta;
import io.titlesgateway.titles.ServiceStatus;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.VersionChanges;
import io.titlesgateway.titles.VersionInfo;

/**
 * Lightcast answers, cached. Keys always hold a concrete version, titles are fetched with every
 * field the credentials allow and normalizations at threshold 0, so one entry serves every
 * caller's {@code fields} and threshold. Concurrent misses for one key make one upstream call;
 * failures are never cached. Sizes and lifetimes are set per cache in {@code application.properties}.
 */
@ApplicationScoped
class LightcastCache {

    static final String STATUS = "lightcast-status";
    static final String META = "lightcast-meta";
    static final String VERSIONS = "lightcast-versions";
    static final String VERSION = "lightcast-version";
    static final String CHANGES = "lightcast-changes";
    static final String SEARCH = "lightcast-search";
    static final String TITLE = "lightcast-title";
    static final String TITLE_FIELDS = "lightcast-title-fields";
    static final String NORMALIZE = "lightcast-normalize";
    static final String INSPECT = "lightcast-inspect";

    /** What inspect fetches, so that any caller's limit (0–100) can be cut from one entry. */
    static final int INSPECT_CANDIDATES = 100;

    /** The key of a search: everything but the fields, which the version decides. */
    record SearchKey(String version, String q, Integer limit, Integer page) {
    }

    /** The key of one title or one raw term within a version. */
    record VersionedKey(String version, String key) {
    }

    @Inject
    GuardedLightcast upstream;

    @Inject
    CacheManager cacheManager;

    private final Map<String, CaffeineCache> byName = new ConcurrentHashMap<>();

    @Inject
    @CacheName(NORMALIZE)
    Cache normalizations;

    @Inject
    @CacheName(TITLE_FIELDS)
    Cache titles;

    /**
     * The key {@code @CacheResult} files a call under: the cache's default key without parameters,
     * the value itself for one, a {@link CompositeCacheKey} for several.
     */
    Object keyOf(String cacheName, Object... parameters) {
        if (parameters.length == 0) {
            return cache(cacheName).getDefaultKey();
        }
        return parameters.length == 1 ? parameters[0] : new CompositeCacheKey(parameters);
    }

    /**
     * The entry for {@code key} if it is there and complete, without going through the interceptor:
     * the hit path stays on the caller's thread. {@code null} on a miss or while a load is under way.
     */
    @SuppressWarnings("unchecked")
    <T> Fetched<T> peek(String cacheName, Object key) {
        CompletableFuture<Object> entry = cache(cacheName).getIfPresent(key);
        if (entry == null || !entry.isDone() || entry.isCompletedExceptionally()) {
            return null;
        }
        Object value = entry.getNow(null);
        return value instanceof Fetched<?> fetched ? (Fetched<T>) fetched : null;
    }

    private CaffeineCache cache(String cacheName) {
        return byName.computeIfAbsent(cacheName, name -> cacheManager.getCache(name).orElseThrow().as(CaffeineCache.class));
    }

    @CacheResult(cacheName = STATUS)
    Uni<Fetched<ServiceStatus>> status() {
        return upstream.status().map(Fetched::now);
    }

    @CacheResult(cacheName = META)
    Uni<Fetched<ServiceMeta>> meta() {
        return upstream.meta().map(Fetched::now);
    }

    @CacheResult(cacheName = VERSIONS)
    Uni<Fetched<List<String>>> versions() {
        return upstream.versions().map(Fetched::now);
    }

    @CacheResult(cacheName = VERSION)
    Uni<Fetched<VersionInfo>> version(String version) {
        return upstream.version(version).map(Fetched::now);
    }

    @CacheResult(cacheName = CHANGES)
    Uni<Fetched<VersionChanges>> changes(String version) {
        return upstream.changes(version).map(Fetched::now);
    }

    @CacheResult(cacheName = SEARCH)
    Uni<Fetched<List<Title>>> search(@CacheKey SearchKey key, List<String> widestFields) {
        return upstream.search(key.version(), key.q(), key.limit(), key.page(), widestFields).map(Fetched::now);
    }

    @CacheResult(cacheName = TITLE)
    Uni<Fetched<Title>> title(@CacheKey String version, @CacheKey String id) {
        return upstream.title(version, id).map(Fetched::now);
    }

    @CacheResult(cacheName = INSPECT)
    Uni<Fetched<List<Normalization>>> inspect(@CacheKey String version, @CacheKey String termKey, String term,
            List<String> widestFields) {
        return upstream.inspect(version, term, widestFields, INSPECT_CANDIDATES).map(Fetched::now);
    }

    /** The best match for one raw term at threshold 0; a term Lightcast cannot match at all is cached as no match. */
    Uni<Fetched<Normalization>> normalize(String version, String termKey, String term, List<String> widestFields) {
        return normalizations.getAsync(new VersionedKey(version, termKey), key -> upstream.normalize(version, term, widestFields)
                .onFailure(LightcastCache::isNoMatch).recoverWithNull()
                .map(Fetched::now));
    }

    /**
     * Best matches for many raw terms (keyed by their folded form), from the same entries as
     * {@link #normalize}: only the terms not cached yet go upstream, in bulk calls of at most 500.
     */
    Uni<Map<String, Fetched<Normalization>>> bulk(String version, Map<String, String> termsByKey, List<String> widestFields) {
        CaffeineCache cache = normalizations.as(CaffeineCache.class);
        Map<String, CompletableFuture<Fetched<Normalization>>> entries = new LinkedHashMap<>();
        Map<String, CompletableFuture<Fetched<Normalization>>> toFetch = new LinkedHashMap<>();
        termsByKey.forEach((termKey, term) -> {
            VersionedKey key = new VersionedKey(version, termKey);
            CompletableFuture<Fetched<Normalization>> cached = cache.getIfPresent(key);
            if (cached == null) {
                cached = new CompletableFuture<>();
                cache.put(key, cached);
                toFetch.put(termKey, cached);
            }
            entries.put(termKey, cached);
        });
        fetchInBulk(version, termsByKey, toFetch, widestFields);
        return Uni.combine().all().unis(entries.values().stream().map(entry -> Uni.createFrom().completionStage(entry)).toList())
                .with(results -> {
                    Map<String, Fetched<Normalization>> byKey = new LinkedHashMap<>();
                    int i = 0;
                    for (String termKey : entries.keySet()) {
                        @SuppressWarnings("unchecked")
                        Fetched<Normalization> result = (Fetched<Normalization>) results.get(i++);
                        byKey.put(termKey, result);
                    }
                    return byKey;
                });
    }

    private void fetchInBulk(String version, Map<String, String> termsByKey,
            Map<String, CompletableFuture<Fetched<Normalization>>> toFetch, List<String> widestFields) {
        List<String> keys = new ArrayList<>(toFetch.keySet());
        for (int from = 0; from < keys.size(); from += BulkQuery.MAX_TERMS) {
            List<String> chunk = keys.subList(from, Math.min(keys.size(), from + BulkQuery.MAX_TERMS));
            List<String> terms = chunk.stream().map(termsByKey::get).toList();
            upstream.bulk(version, terms, widestFields).subscribe().with(
                    items -> {
                        for (int i = 0; i < chunk.size(); i++) {
                            BulkNormalization item = i < items.size() ? items.get(i) : null;
                            Normalization best = item == null || item.title() == null ? null
                                    : new Normalization(item.confidence(), item.jobLevels(), item.title());
                            toFetch.get(chunk.get(i)).complete(Fetched.now(best));
                        }
                    },
                    failure -> chunk.forEach(termKey -> toFetch.get(termKey).completeExceptionally(failure)));
        }
    }

    /**
     * Titles by id, from per-id entries: only the ids not cached yet go upstream, in one call. An id
     * Lightcast does not know is cached as absent.
     */
    Uni<Map<String, Fetched<Title>>> titlesById(String version, List<String> ids, List<String> widestFields) {
        CaffeineCache cache = titles.as(CaffeineCache.class);
        Map<String, CompletableFuture<Fetched<Title>>> entries = new LinkedHashMap<>();
        Map<String, CompletableFuture<Fetched<Title>>> toFetch = new LinkedHashMap<>();
        for (String id : ids) {
            if (entries.containsKey(id)) {
                continue;
            }
            VersionedKey key = new VersionedKey(version, id);
            CompletableFuture<Fetched<Title>> cached = cache.getIfPresent(key);
            if (cached == null) {
                cached = new CompletableFuture<>();
                cache.put(key, cached);
                toFetch.put(id, cached);
            }
            entries.put(id, cached);
        }
        if (!toFetch.isEmpty()) {
            upstream.titlesById(version, List.copyOf(toFetch.keySet()), widestFields).subscribe().with(
                    found -> {
                        Map<String, Title> byId = new LinkedHashMap<>();
                        found.forEach(title -> byId.put(title.id(), title));
                        toFetch.forEach((id, entry) -> entry.complete(Fetched.now(byId.get(id))));
                    },
                    failure -> toFetch.values().forEach(entry -> entry.completeExceptionally(failure)));
        }
        return Uni.combine().all().unis(entries.values().stream().map(entry -> Uni.createFrom().completionStage(entry)).toList())
                .with(results -> {
                    Map<String, Fetched<Title>> byId = new LinkedHashMap<>();
                    int i = 0;
                    for (String id : entries.keySet()) {
                        @SuppressWarnings("unchecked")
                        Fetched<Title> result = (Fetched<Title>) results.get(i++);
                        byId.put(id, result);
                    }
                    return byId;
                });
    }

    private static boolean isNoMatch(Throwable failure) {
        return failure instanceof TitlesException answer && answer.status() == 404;
    }
}
