package io.titlesgateway.lightcast;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import io.opentelemetry.api.trace.Span;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.health.api.HealthRegistry;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.titles.Answer;
import io.titlesgateway.titles.BackendReadiness;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.CacheState;
import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.Spans;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.Quota;
import io.titlesgateway.titles.ServiceMeta;
import io.titlesgateway.titles.ServiceStatus;
import io.titlesgateway.titles.Source;
import io.titlesgateway.titles.TermOutcome;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitleFields;
import io.titlesgateway.titles.TitleSearch;
import io.titlesgateway.titles.TitlesBackend;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.VersionChanges;
import io.titlesgateway.titles.VersionInfo;
import io.titlesgateway.store.RedisLink;
import io.titlesgateway.store.RedisReadiness;
import io.titlesgateway.store.SharedCache;
import io.titlesgateway.store.SharedLedger;
import io.titlesgateway.store.Fetched;

/**
 * The Lightcast backend as callers see it: {@code latest} resolved through the cached {@code /meta},
 * every answer from the cache where it can be, caller thresholds applied locally, and a stale
 * answer when Lightcast cannot give a fresh one. Requests Lightcast would certainly refuse are
 * answered here without spending budget.
 */
@ApplicationScoped
@Identifier("lightcast")
public class LightcastBackend implements TitlesBackend {

    private static final Pattern VERSION = Pattern.compile("latest|\\d{1,4}\\.\\d{1,4}");
    private static final Logger LOG = Logger.getLogger(LightcastBackend.class);
    private static final Pattern TITLE_ID = Pattern.compile("ET[0-9A-F]{16}");
    private static final Pattern SPACES = Pattern.compile("\\s+");
    static final String NO_MATCH = "No title matched the term with the requested confidence";

    private final LightcastCache cache;
    private final StaleCopies stale;
    private final LightcastMetrics metrics;
    private final LightcastHealth health;
    /** Versions Lightcast has listed; a version, once published, stays, so this only grows (and stays small). */
    private final Set<String> knownVersions = ConcurrentHashMap.newKeySet();
    /** The readiness checks this backend added, to take out again when it stops. */
    private final List<String> registeredChecks = new CopyOnWriteArrayList<>();

    @Inject
    @Readiness
    HealthRegistry readinessChecks;

    @Inject
    LightcastConfig config;

    @Inject
    RedisLink redis;

    @Inject
    SharedLedger ledger;

    @Inject
    SharedCache sharedCache;

    @Inject
    Spans spans;

    @Inject
    LightcastBackend(LightcastCache cache, StaleCopies stale, LightcastMetrics metrics, LightcastHealth health) {
        this.cache = cache;
        this.stale = stale;
        this.metrics = metrics;
        this.health = health;
    }

    /** Asks Lightcast (a token, then {@code /status}) before callers do; the checks of this mode join readiness. */
    @Override
    public void activate() {
        health.probe();
        if (config.warmUp()) {
            warmUp();
        }
        readinessChecks.register(QuotaReadiness.NAME, new QuotaReadiness(metrics, config.quotaLowWatermark()));
        registeredChecks.add(QuotaReadiness.NAME);
        if (redis.configured()) {
            readinessChecks.register(RedisReadiness.NAME, new RedisReadiness(redis, ledger, sharedCache));
            registeredChecks.add(RedisReadiness.NAME);
        }
    }

    /**
     * What the first normalize asks before its own call: {@code latest} and that version's fields, into
     * the caches (from Redis if a replica has them). A caller arriving meanwhile joins these calls.
     */
    private void warmUp() {
        cache.meta().chain(meta -> cache.version(meta.value().latestVersion())).subscribe().with(
                version -> LOG.debug("Warmed up: the latest version and its fields are cached"),
                failure -> LOG.debugf("The warm-up found no answer: %s", failure.getMessage()));
    }

    @Override
    public BackendReadiness readiness() {
        return health.readiness();
    }

    /** The checks of this mode leave with it (in tests, one JVM runs gateways of several modes one after another). */
    @PreDestroy
    void deactivate() {
        registeredChecks.forEach(readinessChecks::remove);
        registeredChecks.clear();
    }

    @Override
    public Uni<Answer<ServiceStatus>> status() {
        return served(LightcastCache.STATUS, cache.keyOf(LightcastCache.STATUS), cache::status);
    }

    @Override
    public Uni<Answer<ServiceMeta>> meta() {
        return served(LightcastCache.META, cache.keyOf(LightcastCache.META), cache::meta);
    }

    @Override
    public Uni<Answer<List<String>>> versions() {
        return served(LightcastCache.VERSIONS, cache.keyOf(LightcastCache.VERSIONS), cache::versions);
    }

    @Override
    public Uni<Answer<VersionInfo>> version(String version) {
        return concrete(version).chain(v -> served(LightcastCache.VERSION, v, () -> cache.version(v)));
    }

    @Override
    public Uni<Answer<VersionChanges>> changes(String version) {
        return concrete(version).chain(v -> served(LightcastCache.CHANGES, v, () -> cache.changes(v)));
    }

    @Override
    public Uni<Answer<List<Title>>> search(String version, TitleSearch search) {
        return concrete(version).chain(v -> widestFields(v, search.fields()).chain(widest -> {
            var key = new LightcastCache.SearchKey(v, search.q(), search.limit(), search.page());
            return served(LightcastCache.SEARCH, key, () -> cache.search(key, widest));
        }));
    }

    @Override
    public Answer<Normalization> normalizeIfAtHand(String version, NormalizeQuery query) {
        String concrete = offeringNow(version, query.fields());
        Fetched<Normalization> hit = concrete == null ? null
                : cache.peek(LightcastCache.NORMALIZE, new LightcastCache.VersionedKey(concrete, termKey(query.term())));
        Normalization best = hit == null ? null : hit.value();
        if (best == null || best.title() == null || best.confidence() < query.confidenceThreshold()) {
            return null; // not at hand, or no match: normalize() answers, with its 404
        }
        return answer(LightcastCache.NORMALIZE, best, CacheState.HIT, Quota.NONE).withQuota(metrics.lastQuota());
    }

    /** The concrete version, if it is at hand and offers every one of {@code fields}; {@code null} otherwise. */
    private String offeringNow(String version, List<String> fields) {
        String concrete = concreteNow(version);
        Fetched<VersionInfo> offered = concrete == null ? null : cache.peek(LightcastCache.VERSION, concrete);
        // what the version offers is not at hand, or a field is refused: the asynchronous path says why
        return offered == null || !offered.value().fields().containsAll(fields) ? null : concrete;
    }

    @Override
    public Answer<List<Title>> searchIfAtHand(String version, TitleSearch search) {
        String concrete = offeringNow(version, search.fields());
        if (concrete == null) {
            return null;
        }
        Fetched<List<Title>> hit = cache.peek(LightcastCache.SEARCH, new LightcastCache.SearchKey(concrete, search.q(), search.limit(),
                search.page()));
        return hit == null ? null : answer(LightcastCache.SEARCH, hit.value(), CacheState.HIT, Quota.NONE);
    }

    @Override
    public Uni<Answer<List<Title>>> titlesById(String version, List<String> ids, List<String> fields) {
        return concrete(version).chain(v -> widestFields(v, fields).chain(widest -> servedPerKey(
                LightcastCache.TITLE_FIELDS, v, ids.stream().distinct().toList(), () -> cache.titlesById(v, ids, widest),
                found -> inOrder(ids, found), Quota.NONE)));
    }

    @Override
    public Uni<Answer<Title>> title(String version, String id) {
        if (!TITLE_ID.matcher(id).matches()) {
            return Uni.createFrom().failure(() -> TitlesException.notFound("Unrecognized title id: " + id
                    + " (Lightcast title ids are ET followed by 16 upper-case hex digits)"));
        }
        Answer<Title> hit = hitNow(LightcastCache.TITLE, concreteNow(version), id);
        if (hit != null) {
            return Uni.createFrom().item(hit);
        }
        return concrete(version).chain(v -> served(LightcastCache.TITLE, cache.keyOf(LightcastCache.TITLE, v, id),
                () -> cache.title(v, id)));
    }

    @Override
    public Answer<Title> titleIfAtHand(String version, String id) {
        return TITLE_ID.matcher(id).matches() ? hitNow(LightcastCache.TITLE, concreteNow(version), id) : null;
    }

    @Override
    public Uni<Answer<Normalization>> normalize(String version, NormalizeQuery query) {
        String termKey = termKey(query.term());
        return concrete(version).chain(v -> widestFields(v, query.fields()).chain(widest -> served(
                LightcastCache.NORMALIZE, new LightcastCache.VersionedKey(v, termKey),
                () -> cache.normalize(v, termKey, query.term(), widest))))
                .map(answer -> {
                    Normalization best = answer.data();
                    if (best == null || best.title() == null || best.confidence() < query.confidenceThreshold()) {
                        throw new TitlesException(404, "Not Found", NO_MATCH);
                    }
                    return answer.withQuota(metrics.lastQuota());
                });
    }

    @Override
    public Uni<Answer<List<Normalization>>> inspect(String version, NormalizeQuery query) {
        String termKey = termKey(query.term());
        return concrete(version).chain(v -> widestFields(v, query.fields()).chain(widest -> served(
                LightcastCache.INSPECT, cache.keyOf(LightcastCache.INSPECT, v, termKey),
                () -> cache.inspect(v, termKey, query.term(), widest))))
                .map(answer -> answer.map(candidates -> candidates.stream()
                        .filter(candidate -> candidate.confidence() >= query.confidenceThreshold())
                        .limit(query.limit())
                        .toList()).withQuota(metrics.lastQuota()));
    }

    @Override
    public Uni<Answer<List<BulkNormalization>>> bulk(String version, BulkQuery query) {
        Map<String, String> termsByKey = new LinkedHashMap<>();
        query.terms().forEach(term -> termsByKey.putIfAbsent(termKey(term), term));
        return concrete(version).chain(v -> widestFields(v, query.fields()).chain(widest -> servedPerKey(
                LightcastCache.NORMALIZE, v, List.copyOf(termsByKey.keySet()), () -> cache.bulk(v, termsByKey, widest),
                found -> bulkItems(query, found), metrics.lastQuota())));
    }

    @Override
    public Uni<List<TermOutcome>> normalizeEach(String version, BulkQuery query) {
        Map<String, String> termsByKey = new LinkedHashMap<>();
        query.terms().forEach(term -> termsByKey.putIfAbsent(termKey(term), term));
        return concrete(version).chain(v -> widestFields(v, query.fields()).chain(widest -> {
            if (termsByKey.isEmpty()) {
                return Uni.createFrom().item(List.<TermOutcome>of());
            }
            long asked = System.nanoTime();
            AtomicBoolean abandoned = new AtomicBoolean();
            List<String> keys = new ArrayList<>();
            List<Uni<Resolved>> waits = new ArrayList<>();
            BooleanSupplier stillWanted = () -> !abandoned.get();
            cache.each(v, termsByKey, widest, stillWanted).forEach((termKey, entry) -> {
                keys.add(termKey);
                LightcastCache.VersionedKey key = new LightcastCache.VersionedKey(v, termKey);
                waits.add(resolved(key, entry, asked).chain(result -> result.failure() instanceof CallAbandoned && stillWanted.getAsBoolean()
                        // joined a call whose own callers left before it went out: ask again, once
                        ? resolved(key, cache.each(v, Map.of(termKey, termsByKey.get(termKey)), widest, stillWanted).get(termKey), asked)
                        : Uni.createFrom().item(result)));
            });
            return Uni.join().all(waits).andFailFast().map(results -> {
                Map<String, Resolved> byKey = new HashMap<>();
                for (int i = 0; i < keys.size(); i++) {
                    byKey.put(keys.get(i), results.get(i));
                }
                return query.terms().stream().map(term -> {
                    Resolved result = byKey.get(termKey(term));
                    return result.failure() != null ? TermOutcome.failed(term, result.failure())
                            : TermOutcome.of(bulkItem(term, result.best(), query.confidenceThreshold()));
                }).toList();
            }).onCancellation().invoke(() -> abandoned.set(true));
        }));
    }

    /** What became of one distinct term of a stream: its best match (null: none), or why there is none. */
    private record Resolved(Normalization best, TitlesException failure) {
    }

    /** One term's cache entry, settled as {@link #settled} does, and never a failed Uni: a failure becomes the term's own. */
    private Uni<Resolved> resolved(LightcastCache.VersionedKey key, CompletableFuture<Fetched<Normalization>> entry, long asked) {
        return settled(LightcastCache.NORMALIZE, key, Uni.createFrom().completionStage(entry), asked)
                .map(answer -> new Resolved(answer.data(), null))
                .onFailure().recoverWithItem(failure -> new Resolved(null, failure instanceof TitlesException answer ? answer
                        : TitlesException.badGateway("Lightcast could not answer this term")));
    }

    /** One item per input term, in input order, the caller's threshold applied to the threshold-0 match. */
    private static List<BulkNormalization> bulkItems(BulkQuery query, Map<String, Fetched<Normalization>> byKey) {
        List<BulkNormalization> items = new ArrayList<>(query.terms().size());
        for (String term : query.terms()) {
            Fetched<Normalization> entry = byKey.get(termKey(term));
            items.add(bulkItem(term, entry == null ? null : entry.value(), query.confidenceThreshold()));
        }
        return items;
    }

    /** The bulk item for a term and its best match at threshold 0: the title withheld below the caller's threshold. */
    private static BulkNormalization bulkItem(String term, Normalization best, double threshold) {
        if (best == null) {
            return new BulkNormalization(term, 0, List.of(), null);
        }
        return new BulkNormalization(term, best.confidence(), best.jobLevels(), best.confidence() >= threshold ? best.title() : null);
    }

    /**
     * The concrete version, if the cache can tell without waiting; {@code null} otherwise. With
     * {@link #hitNow} it answers the hottest lookups with no asynchronous step at all.
     */
    private String concreteNow(String version) {
        if (version.equals("latest")) {
            Fetched<ServiceMeta> meta = cache.peek(LightcastCache.META, cache.keyOf(LightcastCache.META));
            return meta == null ? null : meta.value().latestVersion();
        }
        return knownVersions.contains(version) ? version : null;
    }

    /** A cached answer for a two-part key whose version is already concrete; {@code null} if any part is missing. */
    private <T> Answer<T> hitNow(String cacheName, String concreteVersion, String key) {
        if (concreteVersion == null) {
            return null;
        }
        Fetched<T> hit = cache.peek(cacheName, cache.keyOf(cacheName, concreteVersion, key));
        return hit == null ? null : answer(cacheName, hit.value(), CacheState.HIT, Quota.NONE);
    }

    /**
     * The concrete version a caller means: {@code latest} through the cached {@code /meta}; a
     * concrete one only if Lightcast lists it, so an unknown version costs no upstream call.
     */
    private Uni<String> concrete(String version) {
        if (!VERSION.matcher(version).matches()) {
            return Uni.createFrom().failure(() -> TitlesException.notFound("Unrecognized version: " + version));
        }
        if (version.equals("latest")) {
            return meta().map(answer -> answer.data().latestVersion());
        }
        if (knownVersions.contains(version)) {
            return Uni.createFrom().item(version);
        }
        return versions().map(answer -> {
            if (!answer.data().contains(version)) {
                throw TitlesException.notFound("Unrecognized version: " + version);
            }
            if (answer.cache() != CacheState.STALE && knownVersions.size() < 1_000) {
                knownVersions.addAll(answer.data());
            }
            return version;
        });
    }

    /**
     * Every field the version offers these credentials, which is what the cache fetches. A caller
     * asking for one the credentials lack gets the answer Lightcast would give, without the call.
     */
    private Uni<List<String>> widestFields(String version, List<String> requested) {
        return served(LightcastCache.VERSION, version, () -> cache.version(version)).map(answer -> {
            List<String> offered = TitleFields.KNOWN.stream().filter(answer.data().fields()::contains).toList();
            List<String> missing = requested.stream().filter(field -> !offered.contains(field)).toList();
            if (!missing.isEmpty()) {
                throw TitlesException.badGateway("The gateway's Lightcast credentials lack the permission for the field(s) "
                        + String.join(", ", missing) + " in version " + version + ".");
            }
            return offered;
        });
    }

    /** One cache lookup: a hit, a miss (remembered as the stale copy), or the stale copy when Lightcast cannot answer. */
    private <T> Uni<Answer<T>> served(String cacheName, Object key, Supplier<Uni<Fetched<T>>> lookup) {
        return spans.around(Spans.CACHE, () -> Uni.createFrom().deferred(() -> {
            Fetched<T> hit = cache.peek(cacheName, key);
            if (hit != null) {
                return Uni.createFrom().item(answer(cacheName, hit.value(), CacheState.HIT, Quota.NONE));
            }
            return settled(cacheName, key, lookup.get(), System.nanoTime());
        }).onFailure(CallAbandoned.class).retry().atMost(1), // joined a call whose callers left before it went out: ask again
                (span, answer) -> described(span, cacheName, answer));
    }

    /**
     * {@code entry}, as one caller's wait for it. The entry is shared: callers asking for the same
     * key wait on the same fetch, in process and through the caches. A caller that leaves stops
     * waiting, but its leaving must not cancel the fetch, which would fail every other caller
     * waiting on it (with a 500) and leave nothing in the cache; so each caller waits on a copy.
     */
    static <T> Uni<T> waitedFor(Uni<T> entry) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<T> fetch = entry.subscribeAsCompletionStage();
            return Uni.createFrom().completionStage(fetch::copy);
        });
    }

    /** What a cache span says: which cache, and whether it had the answer. */
    private static void described(Span span, String cacheName, Answer<?> answer) {
        span.setAttribute(Spans.CACHE_NAME, cacheName);
        span.setAttribute(Spans.CACHE_STATE, answer.cache().name());
    }

    /**
     * A cache entry on its way, as an answer: a miss if it was fetched since {@code asked}, a hit
     * otherwise; remembered as the stale copy if it came in since (from Lightcast or from another
     * replica through Redis); the stale copy when Lightcast cannot answer.
     */
    private <T> Uni<Answer<T>> settled(String cacheName, Object key, Uni<Fetched<T>> entry, long asked) {
        return waitedFor(entry)
                .map(found -> {
                    boolean miss = found.fetchedSince(asked);
                    if (found.arrivedSince(asked)) {
                        stale.remember(cacheName, key, found);
                    }
                    return answer(cacheName, found.value(), miss ? CacheState.MISS : CacheState.HIT, Quota.NONE);
                })
                .onFailure(GuardedLightcast::cannotAnswerNow).recoverWithUni(failure -> {
                    Fetched<T> copy = stale.recall(cacheName, key);
                    return copy == null ? Uni.createFrom().failure(failure)
                            : Uni.createFrom().item(answer(cacheName, copy.value(), CacheState.STALE, Quota.NONE));
                });
    }

    /**
     * A lookup of many keys of one version, each its own cache entry: a miss if any entry was fetched
     * for this call, a hit otherwise, the entries that came in for it remembered as stale copies;
     * when Lightcast cannot answer, the stale copies, if there is one for every key.
     */
    private <T, R> Uni<Answer<R>> servedPerKey(String cacheName, String version, List<String> keys,
            Supplier<Uni<Map<String, Fetched<T>>>> lookup, Function<Map<String, Fetched<T>>, R> shape, Quota quota) {
        return spans.around(Spans.CACHE, () -> servedPerKeyUntraced(cacheName, version, keys, lookup, shape, quota),
                (span, answer) -> described(span, cacheName, answer));
    }

    private <T, R> Uni<Answer<R>> servedPerKeyUntraced(String cacheName, String version, List<String> keys,
            Supplier<Uni<Map<String, Fetched<T>>>> lookup, Function<Map<String, Fetched<T>>, R> shape, Quota quota) {
        return Uni.createFrom().deferred(() -> {
            long asked = System.nanoTime();
            return waitedFor(lookup.get())
                    .map(found -> {
                        boolean miss = false;
                        for (var entry : found.entrySet()) {
                            Fetched<T> one = entry.getValue();
                            miss |= one.fetchedSince(asked);
                            if (one.arrivedSince(asked)) {
                                stale.remember(cacheName, new LightcastCache.VersionedKey(version, entry.getKey()), one);
                            }
                        }
                        return answer(cacheName, shape.apply(found), miss ? CacheState.MISS : CacheState.HIT, quota);
                    })
                    .onFailure(GuardedLightcast::cannotAnswerNow).recoverWithUni(failure -> {
                        Map<String, Fetched<T>> copies = new LinkedHashMap<>();
                        for (String key : keys) {
                            Fetched<T> copy = stale.recall(cacheName, new LightcastCache.VersionedKey(version, key));
                            if (copy == null) {
                                return Uni.createFrom().failure(failure);
                            }
                            copies.put(key, copy);
                        }
                        return Uni.createFrom().item(answer(cacheName, shape.apply(copies), CacheState.STALE, Quota.NONE));
                    });
        }).onFailure(CallAbandoned.class).retry().atMost(1); // joined a call whose callers left before it went out: ask again
    }

    private <T> Answer<T> answer(String cacheName, T data, CacheState state, Quota quota) {
        metrics.answer(cacheName, state);
        return new Answer<>(data, Source.LIGHTCAST, state, quota);
    }

    private static List<Title> inOrder(List<String> ids, Map<String, Fetched<Title>> found) {
        return ids.stream().distinct().map(found::get).filter(entry -> entry != null && entry.value() != null)
                .map(Fetched::value).toList();
    }

    /** Raw titles that differ only in case and spacing share one cache entry. */
    static String termKey(String term) {
        return SPACES.matcher(term.strip()).replaceAll(" ").toLowerCase(Locale.ROOT);
    }
}
