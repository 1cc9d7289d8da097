package io.titlesgateway.lightcast;

import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.Priority;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.titlesgateway.auth.CallerAuth;
import io.titlesgateway.auth.QuotaShare;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.TitlesService;
import io.titlesgateway.store.RedisLink;
import io.titlesgateway.store.SharedCache;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Each caller's use of the Lightcast normalize quota: the normalize, inspect and bulk calls made
 * for it, counted per calendar month or year, and for a caller with a share ({@code quotaPerMonth}
 * or {@code quotaPerYear} in {@code TITLES_CLIENTS}) refused once the share is spent, before
 * anything goes out, so one noisy service cannot spend everyone's quota. A gathered bulk call
 * counts for the caller whose miss started it. With Redis the count is the replicas' together:
 * each call is counted there, and each replica reads the others' counts every second.
 */
@ApplicationScoped
class CallerShares {

    private static final Logger LOG = Logger.getLogger(CallerShares.class);
    private static final long LOOK_MILLIS = 1_000;

    /** One caller's count in one period. */
    private record Use(String period, AtomicLong calls) {
    }

    private final CallerAuth callers;
    private final RedisLink redis;
    private final Vertx vertx;
    private final MeterRegistry registry;
    private final String keyPrefix;
    private final Map<String, Use> uses = new ConcurrentHashMap<>();
    private final Map<String, Counter> calls = new ConcurrentHashMap<>();
    /** The timer that reads the replicas' shared state; -1 without Redis. */
    private long looking = -1;

    @Inject
    CallerShares(CallerAuth callers, RedisLink redis, Vertx vertx, MeterRegistry registry, SharedCache shared) {
        this.callers = callers;
        this.redis = redis;
        this.vertx = vertx;
        this.registry = registry;
        this.keyPrefix = "titles-gateway:caller-quota:" + shared.clientTag() + ":";
    }

    /** After the callers are read, while Lightcast serves: registers each configured caller's gauges, and with Redis reads the shared counts every second. */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 1000) StartupEvent started, TitlesService titles) {
        if (titles.serving() != TitlesService.Serving.LIGHTCAST) {
            return; // no call to Lightcast to count
        }
        for (String caller : callers.configuredCallers()) {
            callers.quotaShareOf(caller).ifPresent(share -> {
                Gauge.builder("titles.caller.quota.used", this, shares -> shares.used(caller, share))
                        .tag("caller", caller).description("Lightcast normalize calls made for the caller in its quota period")
                        .register(registry);
                Gauge.builder("titles.caller.quota.limit", share, QuotaShare::calls)
                        .tag("caller", caller).description("The caller's share of the Lightcast normalize quota per period")
                        .register(registry);
            });
        }
        if (redis.configured()) {
            looking = vertx.setPeriodic(LOOK_MILLIS, unused -> look());
        }
    }

    /** The 429 to answer if {@code caller}'s share of the quota is spent, else {@code null}. */
    TitlesException refusal(String caller) {
        QuotaShare share = callers.quotaShareOf(caller).orElse(null);
        if (share == null) {
            return null;
        }
        Instant now = Instant.now();
        if (used(caller, share) < share.calls()) {
            return null;
        }
        long untilEnd = share.periodEnd(now).getEpochSecond() - now.getEpochSecond();
        return TitlesException.tooManyRequests("This caller's share of the Lightcast normalize quota (" + share.calls() + " calls "
                + share.perWord() + ") is spent until " + share.periodEnd(now) + "; answers already fetched are still served",
                untilEnd);
    }

    /** Counts one quota-counted call made for {@code caller}. */
    void spent(String caller) {
        String known = callers.configuredCallers().contains(caller) ? caller : "other";
        calls.computeIfAbsent(known, id -> Counter.builder("titles.caller.upstream.normalize.calls").tag("caller", id)
                .description("Lightcast normalize, inspect and bulk calls made for each caller").register(registry)).increment();
        QuotaShare share = callers.quotaShareOf(caller).orElse(null);
        if (share == null) {
            return;
        }
        Instant now = Instant.now();
        String period = share.periodOf(now);
        use(caller, period).calls().incrementAndGet();
        if (redis.configured() && !redis.alone()) {
            String key = keyPrefix + caller + ":" + period;
            long expireAt = share.periodEnd(now).toEpochMilli() + 86_400_000L;
            redis.send(Request.cmd(Command.EVAL).arg(COUNT).arg(1).arg(key).arg(expireAt))
                    .subscribe().with(reply -> follow(caller, period, reply),
                            failure -> LOG.debugf("A caller's quota use could not be counted on Redis: %s", failure));
        }
    }

    /** KEYS: the count. ARGV: when it expires (epoch ms). Counts one call and returns the count. */
    private static final String COUNT = """
            local n = redis.call('INCR', KEYS[1])
            redis.call('PEXPIREAT', KEYS[1], ARGV[1])
            return n
            """;

    private long used(String caller, QuotaShare share) {
        return use(caller, share.periodOf(Instant.now())).calls().get();
    }

    private Use use(String caller, String period) {
        return uses.compute(caller, (id, use) -> use != null && use.period().equals(period) ? use : new Use(period, new AtomicLong()));
    }

    /** The shared count, where it is higher than what this replica counted: the other replicas' calls. */
    private void follow(String caller, String period, Response count) {
        if (count != null) {
            use(caller, period).calls().accumulateAndGet(count.toLong(), Math::max);
        }
    }

    private void look() {
        if (redis.alone()) {
            return;
        }
        Instant now = Instant.now();
        for (String caller : callers.configuredCallers()) {
            callers.quotaShareOf(caller).ifPresent(share -> {
                String period = share.periodOf(now);
                redis.send(Request.cmd(Command.GET).arg(keyPrefix + caller + ":" + period))
                        .subscribe().with(reply -> follow(caller, period, reply), unused -> { });
            });
        }
    }

    @PreDestroy
    void stop() {
        if (looking != -1) {
            vertx.cancelTimer(looking);
        }
    }
}
