package io.titlesgateway.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.titles.MissingParts;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.Title;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The second level of the cache, in the Redis the replicas share: a replica that misses in process
 * looks here before it spends budget, and what one replica fetched, the others serve. Concurrent
 * misses for one key on different replicas make one upstream call: the first takes a short lease on
 * the key and fetches, the others look again every few milliseconds until the value is there, the
 * lease is free to take (its holder failed or died), or the holder's attempt could no longer
 * succeed. Only answers are written, never failures, each with its cache's lifetime; keys and
 * values carry {@link #FORMAT}, so replicas of another release never read what they cannot parse.
 * Without Redis, or while it does not answer, every miss is fetched by the replica itself.
 */
@ApplicationScoped
public class SharedCache {

    private static final Logger LOG = Logger.getLogger(SharedCache.class);
    /** The layout of keys and values; a release that changes either must change this. */
    public static final int FORMAT = 1;
    /** How often a replica waiting on another's lease looks again. */
    private static final long LOOK_AGAIN_MILLIS = 20;

    /**
     * KEYS: n value keys, then their n lease keys; ARGV: owner, lease milliseconds. Per key two
     * items: the value and its remaining milliseconds (a hit); or '' and -1 (the lease is ours:
     * fetch) or '' and -2 (another replica holds it: wait).
     */
    private static final String LOOK_UP = """
            local n = #KEYS / 2
            local out = {}
            for i = 1, n do
              local value = redis.call('GET', KEYS[i])
              if value then
                out[#out + 1] = value
                out[#out + 1] = math.max(0, redis.call('PTTL', KEYS[i]))
              elseif redis.call('SET', KEYS[n + i], ARGV[1], 'NX', 'PX', ARGV[2]) then
                out[#out + 1] = ''
                out[#out + 1] = -1
              else
                out[#out + 1] = ''
                out[#out + 1] = -2
              end
            end
            return out
            """;
    /** KEYS: n value keys, then their n lease keys; ARGV: owner, lifetime in ms, n values ('' where the fetch failed). */
    private static final String STORE = """
            local n = #KEYS / 2
            for i = 1, n do
              local value = ARGV[2 + i]
              if value ~= '' then
                redis.call('SET', KEYS[i], value, 'PX', ARGV[2])
              end
              if redis.call('GET', KEYS[n + i]) == ARGV[1] then
                redis.call('DEL', KEYS[n + i])
              end
            end
            return n
            """;

    /** Fetches from Lightcast the keys this replica holds the lease of, completing their entries. */
    public interface Fetch<T> extends BiConsumer<List<String>, Map<String, CompletableFuture<Fetched<T>>>> {
    }

    private final RedisLink redis;
    private final Vertx vertx;
    private final ObjectMapper json;
    private final SharedEntries entries;
    private final MeterRegistry registry;
    private final String client;
    private final String valuePrefix;
    private final String leasePrefix;
    private final String owner = UUID.randomUUID().toString();
    private final long leaseMillis;
    private final long waitNanos;
    private final Map<String, Long> lifetimes = new ConcurrentHashMap<>();

    @Inject
    public SharedCache(RedisLink redis, Vertx vertx, ObjectMapper json, MeterRegistry registry, LightcastConfig lightcast) {
        this.redis = redis;
        this.vertx = vertx;
        this.json = json;
        this.entries = new SharedEntries(json, FORMAT);
        this.registry = registry;
        // the credentials decide what an answer holds (its fields), so each Lightcast client has its own entries;
        // the braces keep one client's keys in one Redis cluster slot, as the scripts need
        this.client = "{" + lightcast.clientId().orElse("anonymous") + "}";
        this.valuePrefix = "titles-gateway:cache:v" + FORMAT + ":" + client + ":";
        this.leasePrefix = "titles-gateway:lease:v" + FORMAT + ":" + client + ":";
        this.waitNanos = lightcast.attemptTimeout().toNanos();
        this.leaseMillis = lightcast.attemptTimeout().toMillis() + 1_000;
    }

    /** What readiness says of the second level. */
    public String mode() {
        return redis.mode("in process, then shared on Redis", "in process only");
    }

    public JavaType typeOf(Class<?> type) {
        return json.getTypeFactory().constructType(type);
    }

    public JavaType listOf(Class<?> element) {
        return json.getTypeFactory().constructCollectionType(List.class, element);
    }

    /** How long an entry of {@code cacheName} lives, here and in Redis: its configured expire-after-write. */
    public long lifetimeNanos(String cacheName) {
        return lifetimes.computeIfAbsent(cacheName, name -> ConfigProvider.getConfig()
                .getOptionalValue("quarkus.cache.caffeine.\"" + name + "\".expire-after-write", Duration.class)
                .orElse(Duration.ofHours(1)).toNanos());
    }

    /** One entry: from Redis if another replica has it, else fetched by whichever replica takes the lease. */
    public <T> Uni<Fetched<T>> one(String cacheName, String scope, String id, JavaType type, Supplier<Uni<T>> fetch) {
        return Uni.createFrom().deferred(() -> {
            CompletableFuture<Fetched<T>> entry = new CompletableFuture<>();
            fill(cacheName, scope, List.of(id), Map.of(id, entry), type, (owned, pending) -> fetch.get().subscribe().with(
                    value -> entry.complete(Fetched.now(value)), entry::completeExceptionally));
            return Uni.createFrom().completionStage(entry);
        });
    }

    /**
     * Completes {@code pending} (one entry per id, all within {@code scope}): each from Redis where
     * another replica has it, else through {@code fetch}, once per id across the replicas.
     */
    public <T> void fill(String cacheName, String scope, List<String> ids, Map<String, CompletableFuture<Fetched<T>>> pending,
            JavaType type, Fetch<T> fetch) {
        if (!redis.configured() || redis.alone()) {
            fetch.accept(ids, pending);
            return;
        }
        lookUp(new Lookup<>(cacheName, scope, pending, type, fetch, Vertx.currentContext(), System.nanoTime() + waitNanos, false), ids);
    }

    /** One fill under way: where its answers go, where and until when it runs, and whether a reply was late already. */
    private record Lookup<T>(String cacheName, String scope, Map<String, CompletableFuture<Fetched<T>>> pending, JavaType type,
            Fetch<T> fetch, Context context, long giveUpAt, boolean late) {
    }

    private <T> void lookUp(Lookup<T> lookup, List<String> ids) {
        Request request = Request.cmd(Command.EVAL).arg(LOOK_UP).arg(ids.size() * 2);
        ids.forEach(id -> request.arg(valueKey(lookup, id)));
        ids.forEach(id -> request.arg(leaseKey(lookup, id)));
        request.arg(owner).arg(leaseMillis);
        redis.send(request).subscribe().with(
                reply -> onContext(lookup.context(), () -> settle(lookup, ids, reply)),
                failure -> onContext(lookup.context(), () -> {
                    if (redis.lateOnly(failure) && !lookup.late()) {
                        // a late reply is this replica's event loops busy as often as Redis slow: the answer
                        // may be there, and paying Lightcast for it again costs quota; so one more look
                        sharedLookups(lookup.cacheName(), "late", ids.size());
                        Lookup<T> again = new Lookup<>(lookup.cacheName(), lookup.scope(), lookup.pending(), lookup.type(),
                                lookup.fetch(), lookup.context(), lookup.giveUpAt(), true);
                        vertx.setTimer(LOOK_AGAIN_MILLIS, unused -> onContext(again.context(), () -> lookUp(again, ids)));
                        return;
                    }
                    sharedLookups(lookup.cacheName(), "error", ids.size());
                    lookup.fetch().accept(ids, subset(lookup.pending(), ids));
                }));
    }

    private <T> void settle(Lookup<T> lookup, List<String> ids, Response reply) {
        List<String> owned = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        long lifetime = lifetimeNanos(lookup.cacheName());
        for (int i = 0; i < ids.size(); i++) {
            String value = reply.get(2 * i).toString();
            long code = reply.get(2 * i + 1).toLong();
            Fetched<T> found = value.isEmpty() ? null : decode(value, lookup.type(), lifetime - TimeUnit.MILLISECONDS.toNanos(code));
            if (found != null) {
                lookup.pending().get(ids.get(i)).complete(found);
            } else if (code == -2) {
                waiting.add(ids.get(i));
            } else {
                owned.add(ids.get(i));
            }
        }
        sharedLookups(lookup.cacheName(), "hit", ids.size() - owned.size() - waiting.size());
        sharedLookups(lookup.cacheName(), "miss", owned.size());
        if (!owned.isEmpty()) {
            fetchAndShare(lookup, owned);
        }
        if (!waiting.isEmpty()) {
            lookAgain(lookup, waiting);
        }
    }

    private <T> void fetchAndShare(Lookup<T> lookup, List<String> owned) {
        Map<String, CompletableFuture<Fetched<T>>> mine = subset(lookup.pending(), owned);
        CompletableFuture.allOf(mine.values().stream().map(entry -> entry.handle((found, failure) -> null))
                .toArray(CompletableFuture[]::new)).thenRun(() -> share(lookup, owned, mine));
        lookup.fetch().accept(owned, mine);
    }

    /** Writes what was fetched, in one round trip, and frees every lease this replica held, fetched or failed. */
    private <T> void share(Lookup<T> lookup, List<String> owned, Map<String, CompletableFuture<Fetched<T>>> mine) {
        if (redis.alone()) {
            return;
        }
        Request request = Request.cmd(Command.EVAL).arg(STORE).arg(owned.size() * 2);
        owned.forEach(id -> request.arg(valueKey(lookup, id)));
        owned.forEach(id -> request.arg(leaseKey(lookup, id)));
        request.arg(owner).arg(Math.max(1, TimeUnit.NANOSECONDS.toMillis(lifetimeNanos(lookup.cacheName()))));
        for (String id : owned) {
            CompletableFuture<Fetched<T>> entry = mine.get(id);
            request.arg(entry.isCompletedExceptionally() ? "" : encode(entry.join().value()));
        }
        redis.keep(request, this::replicated).subscribe().with(unused -> { },
                failure -> LOG.debugf("Fetched answers could not be shared through Redis: %s", failure));
    }

    /** Keys another replica is fetching: looked up again shortly, until the holder's attempt could no longer succeed. */
    private <T> void lookAgain(Lookup<T> lookup, List<String> waiting) {
        sharedLookups(lookup.cacheName(), "wait", waiting.size());
        if (System.nanoTime() - lookup.giveUpAt() > 0) {
            waiting.forEach(id -> lookup.pending().get(id).completeExceptionally(new BudgetSpent(1)));
            return;
        }
        vertx.setTimer(LOOK_AGAIN_MILLIS, unused -> onContext(lookup.context(), () -> lookUp(lookup, waiting)));
    }

    /** Lookups of {@code cacheName} here: hit, miss (a lease taken), wait (another replica's lease), late (asked again) or error. */
    private void sharedLookups(String cacheName, String outcome, int count) {
        if (count > 0) {
            registry.counter("titles.cache.shared", "cache", cacheName, "outcome", outcome).increment(count);
        }
    }

    /** Counts a write of answers that a Redis replica acknowledged (with Sentinel), or did not in time. */
    void replicated(boolean replicaHasIt) {
        registry.counter("titles.store.redis.writes", "replicated", String.valueOf(replicaHasIt)).increment();
    }

    /** The Lightcast client's hash tag: every key of one client sits in one Redis cluster slot, as the scripts need. */
    public String clientTag() {
        return client;
    }

    /** Who holds a lease this replica took. */
    public String owner() {
        return owner;
    }

    /** How long a lease lasts: one attempt, and a second more. */
    public long leaseMillis() {
        return leaseMillis;
    }

    public String encode(Object value) {
        return entries.encode(value);
    }

    /**
     * The entry, or {@code null} if it is not one this release can read, or not whole: it lacks one
     * of the {@link MissingParts}, or is empty where only a title or a match can be absent. Such an
     * entry (another writer's, or damaged) is not served; it is fetched again, as a miss would be.
     */
    public <T> Fetched<T> decode(String stored, JavaType type, long ageNanos) {
        try {
            SharedEntries.Entry<T> entry = entries.decode(stored, type);
            if (entry == null || !isWhole(entry.value(), type)) {
                return null;
            }
            return Fetched.shared(entry.value(), Math.max(0, ageNanos));
        } catch (Exception unreadable) {
            LOG.debugf("A shared cache entry could not be read: %s", unreadable);
            return null;
        }
    }

    private static boolean isWhole(Object value, JavaType type) {
        if (value == null) {
            return type.getRawClass() == Title.class || type.getRawClass() == Normalization.class;
        }
        String missing = MissingParts.of(value);
        if (missing != null) {
            LOG.debugf("A shared cache entry was not whole: %s", missing);
        }
        return missing == null;
    }

    private String valueKey(Lookup<?> lookup, String id) {
        return valueKey(lookup.cacheName(), lookup.scope(), id);
    }

    private String leaseKey(Lookup<?> lookup, String id) {
        return leaseKey(lookup.cacheName(), lookup.scope(), id);
    }

    /** Where the entry of {@code id} in {@code cacheName} within {@code scope} is kept. */
    public String valueKey(String cacheName, String scope, String id) {
        return valuePrefix + cacheName + ":" + scope + ":" + id;
    }

    /** Where the lease on that entry is kept, while a replica fetches it. */
    public String leaseKey(String cacheName, String scope, String id) {
        return leasePrefix + cacheName + ":" + scope + ":" + id;
    }

    /** Runs where the caller ran, so that the budget still knows whose call it is. */
    private static void onContext(Context context, Runnable action) {
        if (context == null || Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(unused -> action.run());
        }
    }

    private static <T> Map<String, CompletableFuture<Fetched<T>>> subset(Map<String, CompletableFuture<Fetched<T>>> pending,
            List<String> ids) {
        Map<String, CompletableFuture<Fetched<T>>> subset = new LinkedHashMap<>();
        ids.forEach(id -> subset.put(id, pending.get(id)));
        return subset;
    }
}
