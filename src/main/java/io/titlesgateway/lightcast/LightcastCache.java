package io.titlesgateway.lightcast;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheManager;
import io.quarkus.cache.CompositeCacheKey;
import io.quarkus.cache.CacheKey;
import io.quarkus.cache.CacheName;
import io.quarkus.cache.CacheResult;
import io.quarkus.cache.CaffeineCache;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import com.fasterxml.jackson.databind.JavaType;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.store.AnswerFile;
import io.titlesgateway.store.AnswerStore;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.ServiceMeta;
import io.titlesgateway.titles.ServiceStatus;
import io.titlesgateway.titles.SharedFailure;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.VersionChanges;
import io.titlesgateway.titles.VersionInfo;
import io.titlesgateway.store.SharedCache;
import io.titlesgateway.store.Fetched;
import io.titlesgateway.store.SharedPool;

/**
 * Lightcast answers, cached. Keys always hold a concrete version, titles are fetched with every
 * field the credentials allow and normalizations at threshold 0, so one entry serves every
 * caller's {@code fields} and threshold. Concurrent misses for one key make one upstream call;
 * failures are never cached. Sizes and lifetimes are set per cache in {@code application.properties}.
 * A miss goes through {@link SharedCache} before it goes upstream: with replicas sharing Redis,
 * what another replica fetched, or is fetching, is not fetched again.
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
    static final String NORMALIZE = SharedPool.NORMALIZE_CACHE;
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
    NormalizeBatcher batcher;

    @Inject
    SharedCache shared;

    @Inject
    AnswerStore store;

    private final boolean bulkEnabled;
    /** Single normalize calls a stream may have waiting for the budget at once, without bulk access. */
    private final int singlesAtOnce;

    @Inject
    LightcastCache(LightcastConfig config) {
        this.bulkEnabled = config.bulk().enabled();
        this.singlesAtOnce = Math.max(1, config.rateLimit());
    }

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
        if (!(value instanceof Fetched<?> fetched)) {
            return null;
        }
        if (outlived(cacheName, fetched)) {
            cache(cacheName).invalidate(key).subscribe().with(unused -> { });
            return null;
        }
        return (Fetched<T>) fetched;
    }

    /**
     * Whether an entry read from the shared cache has outlived its cache's lifetime: Caffeine counts
     * an entry's life from when it came into this replica, but another replica fetched it earlier.
     */
    private boolean outlived(String cacheName, Fetched<?> fetched) {
        return !fetched.here() && fetched.olderThan(shared.lifetimeNanos(cacheName));
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
        return shared.one(META, "", "", shared.typeOf(ServiceMeta.class), upstream::meta);
    }

    @CacheResult(cacheName = VERSIONS)
    Uni<Fetched<List<String>>> versions() {
        return shared.one(VERSIONS, "", "", shared.listOf(String.class), upstream::versions);
    }

    @CacheResult(cacheName = VERSION)
    Uni<Fetched<VersionInfo>> version(String version) {
        return shared.one(VERSION, version, "", shared.typeOf(VersionInfo.class), () -> upstream.version(version));
    }

    @CacheResult(cacheName = CHANGES)
    Uni<Fetched<VersionChanges>> changes(String version) {
        return shared.one(CHANGES, version, "", shared.typeOf(VersionChanges.class), () -> upstream.changes(version));
    }

    @CacheResult(cacheName = SEARCH)
    Uni<Fetched<List<Title>>> search(@CacheKey SearchKey key, List<String> widestFields) {
        return shared.one(SEARCH, key.version() + ":" + key.limit() + ":" + key.page(), key.q() == null ? "" : "q=" + key.q(),
                shared.listOf(Title.class),
                () -> upstream.search(key.version(), key.q(), key.limit(), key.page(), widestFields));
    }

    @CacheResult(cacheName = TITLE)
    Uni<Fetched<Title>> title(@CacheKey String version, @CacheKey String id) {
        return shared.one(TITLE, version, id, shared.typeOf(Title.class), () -> upstream.title(version, id))
                // Lightcast answers an unknown id with a 404, so an empty entry here (from Redis or the answer
                // file) is a damaged one: ask Lightcast again; this replica keeps the answer, the entry lapses
                .chain(found -> found.value() != null ? Uni.createFrom().item(found) : upstream.title(version, id).map(Fetched::now));
    }

    @CacheResult(cacheName = INSPECT)
    Uni<Fetched<List<Normalization>>> inspect(@CacheKey String version, @CacheKey String termKey, String term,
            List<String> widestFields) {
        JavaType type = shared.listOf(Normalization.class);
        return kept(INSPECT, version, termKey, type, () -> shared.one(INSPECT, version, termKey, type,
                () -> upstream.inspect(version, term, widestFields, INSPECT_CANDIDATES)));
    }

    /**
     * The best match for one raw term at threshold 0; a term Lightcast cannot match at all is cached
     * as no match. With bulk access the miss waits briefly to share a bulk call with others.
     */
    Uni<Fetched<Normalization>> normalize(String version, String termKey, String term, List<String> widestFields) {
        if (pooling()) {
            // the batcher looks in the shared cache itself, for a whole batch in one round trip
            return normalizations.getAsync(new VersionedKey(version, termKey), key -> kept(NORMALIZE, version, termKey,
                    shared.typeOf(Normalization.class), () -> Uni.createFrom().completionStage(() -> batcher
                            .normalize(version, widestFields, Map.of(termKey, term), UpstreamBudget.Claim.ALWAYS_WANTED, true).get(termKey))));
        }
        return normalizations.getAsync(new VersionedKey(version, termKey), key -> kept(NORMALIZE, version, termKey,
                shared.typeOf(Normalization.class), () -> shared.one(NORMALIZE, version, termKey, shared.typeOf(Normalization.class),
                        () -> fetchOne(version, termKey, term, widestFields, UpstreamBudget.Claim.ALWAYS_WANTED))));
    }

    /** Whether normalize misses join the pool the replicas share on Redis, rather than each its own lookup there. */
    private boolean pooling() {
        return bulkEnabled && batcher.pooling();
    }

    private Uni<Normalization> fetchOne(String version, String termKey, String term, List<String> widestFields, BooleanSupplier wanted) {
        if (bulkEnabled) {
            return Uni.createFrom().completionStage(() -> batcher.normalize(version, widestFields, Map.of(termKey, term), wanted, false)
                    .get(termKey).thenApply(Fetched::value));
        }
        return upstream.normalize(version, term, widestFields, wanted).onFailure(LightcastCache::isNoMatch).recoverWithNull();
    }

    /**
     * Best matches for many raw terms (keyed by their folded form), from the same entries as
     * {@link #normalize}: only the terms not cached yet go upstream, in bulk calls of at most 500
     * (gathered with other misses when bulk access is on). Fails if any term fails.
     */
    Uni<Map<String, Fetched<Normalization>>> bulk(String version, Map<String, String> termsByKey, List<String> widestFields) {
        boolean pooled = pooling();
        return all(placeholders(NORMALIZE, normalizations, Normalization.class, version, termsByKey.keySet(), pooled, (missing, pending) -> {
            if (bulkEnabled) {
                fetchGathered(version, termsByKey, widestFields, missing, pending, UpstreamBudget.Claim.ALWAYS_WANTED, pooled);
                return;
            }
            for (int from = 0; from < missing.size(); from += BulkQuery.MAX_TERMS) {
                List<String> chunk = missing.subList(from, Math.min(missing.size(), from + BulkQuery.MAX_TERMS));
                upstream.bulk(version, chunk.stream().map(termsByKey::get).toList(), widestFields).subscribe().with(
                        items -> {
                            for (int i = 0; i < chunk.size(); i++) {
                                BulkNormalization item = i < items.size() ? items.get(i) : null;
                                Normalization best = item == null ? null : item.asNormalization();
                                pending.get(chunk.get(i)).complete(Fetched.now(best));
                            }
                        },
                        failure -> SharedFailure.failAll(chunk.stream().map(pending::get).toList(), failure));
            }
        }));
    }

    /**
     * The same entries for a stream: one future per term, each failing on its own. Misses go out
     * in gathered bulk calls with bulk access; without it, one normalize call per term, no more
     * at once than the budget grants in a second, so that none waits past the budget's deadline.
     * Once the stream is gone ({@code stillWanted}), no call for it starts or is retried: those
     * entries fail with {@link CallAbandoned} and leave the cache.
     */
    Map<String, CompletableFuture<Fetched<Normalization>>> each(String version, Map<String, String> termsByKey,
            List<String> widestFields, BooleanSupplier stillWanted) {
        boolean pooled = pooling();
        return placeholders(NORMALIZE, normalizations, Normalization.class, version, termsByKey.keySet(), pooled, (missing, pending) -> {
            if (bulkEnabled) {
                fetchGathered(version, termsByKey, widestFields, missing, pending, stillWanted, pooled);
                return;
            }
            Multi.createFrom().iterable(missing)
                    .onItem().transformToUni(termKey -> (stillWanted.getAsBoolean()
                            ? fetchOne(version, termKey, termsByKey.get(termKey), widestFields, stillWanted)
                            : Uni.createFrom().<Normalization>failure(new CallAbandoned()))
                            .map(Fetched::now)
                            .invoke(found -> pending.get(termKey).complete(found))
                            .onFailure().invoke(failure -> pending.get(termKey).completeExceptionally(failure))
                            .onFailure().recoverWithNull())
                    .merge(singlesAtOnce)
                    .subscribe().with(unused -> { });
        });
    }

    private void fetchGathered(String version, Map<String, String> termsByKey, List<String> widestFields, List<String> missing,
            Map<String, CompletableFuture<Fetched<Normalization>>> pending, BooleanSupplier stillWanted, boolean pooled) {
        Map<String, String> wanted = new LinkedHashMap<>();
        missing.forEach(termKey -> wanted.put(termKey, termsByKey.get(termKey)));
        batcher.normalize(version, widestFields, wanted, stillWanted, pooled).forEach((termKey, result) -> result.whenComplete((found, failure) -> {
            if (failure != null) {
                pending.get(termKey).completeExceptionally(SharedFailure.of(failure));
            } else {
                pending.get(termKey).complete(found);
            }
        }));
    }

    /**
     * Titles by id, from per-id entries: only the ids not cached yet go upstream, in one call. An id
     * Lightcast does not know is cached as absent.
     */
    Uni<Map<String, Fetched<Title>>> titlesById(String version, List<String> ids, List<String> widestFields) {
        return all(placeholders(TITLE_FIELDS, titles, Title.class, version, new LinkedHashSet<>(ids), false, (missing, pending) -> upstream
                .titlesById(version, missing, widestFields).subscribe().with(
                        found -> {
                            Map<String, Title> byId = new LinkedHashMap<>();
                            found.forEach(title -> byId.put(title.id(), title));
                            pending.forEach((id, entry) -> entry.complete(Fetched.now(byId.get(id))));
                        },
                        failure -> SharedFailure.failAll(pending.values(), failure))));
    }

    /**
     * One entry per key, from the cache where it is (or is being loaded), else a placeholder that
     * the shared cache completes, or {@code fetchMissing} for the keys no other replica has or is
     * fetching: concurrent callers wait on the same placeholder, and a failed one leaves the cache,
     * so failures are not kept. {@code pooled}: {@code fetchMissing} looks in the shared cache itself.
     */
    private <T> Map<String, CompletableFuture<Fetched<T>>> placeholders(String cacheName, Cache cache, Class<T> valueType,
            String version, Collection<String> keys, boolean pooled, SharedCache.Fetch<T> fetchMissing) {
        CaffeineCache entries = cache.as(CaffeineCache.class);
        Map<String, CompletableFuture<Fetched<T>>> all = new LinkedHashMap<>();
        Map<String, CompletableFuture<Fetched<T>>> pending = new LinkedHashMap<>();
        for (String key : keys) {
            VersionedKey cacheKey = new VersionedKey(version, key);
            CompletableFuture<Fetched<T>> entry = entries.getIfPresent(cacheKey);
            // a failed entry is on its way out of the cache: asking again makes a new one
            if (entry == null || entry.isCompletedExceptionally() || entry.isDone() && outlived(cacheName, entry.join())) {
                entry = new CompletableFuture<>();
                entries.put(cacheKey, entry);
                pending.put(key, entry);
            }
            all.put(key, entry);
        }
        if (pending.isEmpty()) {
            return all;
        }
        if (durable(cacheName) && store.enabled()) {
            fromStoreThenFetch(cacheName, valueType, version, pending, pooled, fetchMissing);
        } else {
            fetch(cacheName, valueType, version, pending, pooled, fetchMissing);
        }
        return all;
    }

    private <T> void fetch(String cacheName, Class<T> valueType, String version, Map<String, CompletableFuture<Fetched<T>>> pending,
            boolean pooled, SharedCache.Fetch<T> fetchMissing) {
        if (pooled) {
            fetchMissing.accept(List.copyOf(pending.keySet()), pending);
        } else {
            shared.fill(cacheName, version, List.copyOf(pending.keySet()), pending, shared.typeOf(valueType), fetchMissing);
        }
    }

    /** Completes what the answer store has of {@code pending}; the rest is fetched, and kept there once it comes. */
    private <T> void fromStoreThenFetch(String cacheName, Class<T> valueType, String version,
            Map<String, CompletableFuture<Fetched<T>>> pending, boolean pooled, SharedCache.Fetch<T> fetchMissing) {
        Map<String, String> storeKeys = new LinkedHashMap<>();
        pending.keySet().forEach(key -> storeKeys.put(key, storeKey(cacheName, version, key)));
        JavaType type = shared.typeOf(valueType);
        store.find(storeKeys.values()).thenAccept(found -> {
            Map<String, CompletableFuture<Fetched<T>>> rest = new LinkedHashMap<>();
            pending.forEach((key, entry) -> {
                Fetched<T> answer = readBack(found.get(storeKeys.get(key)), type);
                if (answer != null) {
                    entry.complete(answer);
                } else {
                    rest.put(key, entry);
                    entry.thenAccept(fetched -> store.keep(storeKeys.get(key), shared.encode(fetched.value())));
                }
            });
            if (!rest.isEmpty()) {
                fetch(cacheName, valueType, version, rest, pooled, fetchMissing);
            }
        });
    }

    /**
     * An answer from the answer store when there is one, else from {@code fetch}, kept there once it
     * comes: answers of a concrete version never change, so a replica that restarts, or starts
     * from zero, with its store pays for none of them again.
     */
    private <T> Uni<Fetched<T>> kept(String cacheName, String version, String termKey, JavaType type, Supplier<Uni<Fetched<T>>> fetch) {
        if (!store.enabled()) {
            return fetch.get();
        }
        String key = storeKey(cacheName, version, termKey);
        return Uni.createFrom().completionStage(() -> store.find(List.of(key))).flatMap(found -> {
            Fetched<T> answer = readBack(found.get(key), type);
            if (answer != null) {
                return Uni.createFrom().item(answer);
            }
            return fetch.get().invoke(fetched -> store.keep(key, shared.encode(fetched.value())));
        });
    }

    private <T> Fetched<T> readBack(AnswerFile.Stored stored, JavaType type) {
        return stored == null ? null
                : shared.decode(stored.value(), type, java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                        Math.max(0, System.currentTimeMillis() - stored.writtenAtMillis())));
    }

    /** Answers that depend only on the concrete version and the term: what the answer store keeps. */
    private static boolean durable(String cacheName) {
        return NORMALIZE.equals(cacheName) || INSPECT.equals(cacheName);
    }

    /** Where the answer store keeps an entry: the Lightcast client (its fields) and the layout, then the cache, version and term. */
    private String storeKey(String cacheName, String version, String termKey) {
        return shared.clientTag() + ":" + SharedCache.FORMAT + ":" + cacheName + ":" + version + ":" + termKey;
    }

    /**
     * Every entry, once all are there; the first failure fails the whole. Its waits never cancel an
     * entry still under way: other callers may wait on it (a bulk call's terms are shared cache
     * entries), and a caller that leaves or fails must not end their fetch.
     */
    private static <T> Uni<Map<String, Fetched<T>>> all(Map<String, CompletableFuture<Fetched<T>>> entries) {
        return Uni.createFrom().emitter(emitter -> {
            AtomicInteger left = new AtomicInteger(entries.size());
            AtomicBoolean failed = new AtomicBoolean();
            if (entries.isEmpty()) {
                emitter.complete(new LinkedHashMap<>());
                return;
            }
            entries.values().forEach(entry -> entry.whenComplete((found, failure) -> {
                if (failure != null) {
                    if (failed.compareAndSet(false, true)) {
                        emitter.fail(SharedFailure.cause(failure));
                    }
                } else if (left.decrementAndGet() == 0 && !failed.get()) {
                    Map<String, Fetched<T>> byKey = new LinkedHashMap<>();
                    entries.forEach((key, settled) -> byKey.put(key, settled.join()));
                    emitter.complete(byKey);
                }
            }));
        });
    }

    private static boolean isNoMatch(Throwable failure) {
        return failure instanceof TitlesException answer && answer.status() == 404;
    }
}
