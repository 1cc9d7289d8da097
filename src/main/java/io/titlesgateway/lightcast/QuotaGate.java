package io.titlesgateway.lightcast;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.titles.TitlesService;
import io.titlesgateway.store.RedisLink;
import io.titlesgateway.store.SharedCache;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * Keeps normalize, inspect and bulk calls from Lightcast once it said the normalize quota is spent
 * ({@code RateLimit-Remaining: 0} on an answer, or its quota 429): until {@code RateLimit-Reset}
 * none goes out but one probe a minute ({@code LIGHTCAST_QUOTA_PROBE_INTERVAL}), which reopens the
 * gate if Lightcast answers it with quota left. Callers get the 429 at once, with a Retry-After
 * that brings them back when a call could go again. With Redis the replicas know it together:
 * the replica that hears it writes it there, the others read it every second, and one probe a
 * minute goes out among them all.
 */
@ApplicationScoped
public class QuotaGate {

    private static final Logger LOG = Logger.getLogger(QuotaGate.class);
    /** A spent quota whose reset Lightcast did not say (or said in a form we cannot read): probes alone reopen it. */
    private static final long UNKNOWN_RESET = Long.MAX_VALUE;
    private static final long LOOK_MILLIS = 1_000;
    /** Longest a reset is believed: a year, Lightcast's longest quota period. */
    private static final long MAX_RESET_MILLIS = Duration.ofDays(366).toMillis();

    private final RedisLink redis;
    private final Vertx vertx;
    private final long probeIntervalMillis;
    private final String spentKey;
    private final String probeKey;
    private final MeterRegistry registry;
    /** Counted once Lightcast serves; until then nothing is refused. */
    private Counter refusals;
    /** When the quota comes back (epoch ms); 0 while it is not known to be spent. */
    private volatile long spentUntil;
    /** When this replica last closed the gate itself (epoch ms): its own write to Redis may not have landed yet. */
    private volatile long closedHereAt;
    /** When this replica may probe next (epoch ms). */
    private final AtomicLong nextProbeAt = new AtomicLong();
    /** The timer that reads the replicas' shared state; -1 without Redis. */
    private long looking = -1;

    @Inject
    QuotaGate(RedisLink redis, Vertx vertx, LightcastConfig config, SharedCache shared, MeterRegistry registry) {
        this.redis = redis;
        this.vertx = vertx;
        this.probeIntervalMillis = Math.max(1_000, config.quotaProbeInterval().toMillis());
        this.spentKey = "titles-gateway:quota-spent:" + shared.clientTag();
        this.probeKey = "titles-gateway:quota-probe:" + shared.clientTag();
        this.registry = registry;
    }

    /**
     * Forgets what Lightcast said of the quota, here and in Redis: the next call goes out. For a
     * quota Lightcast raised before its reset, and for tests that start over.
     */
    public void forget() {
        spentUntil = 0;
        closedHereAt = 0;
        if (redis.configured() && !redis.alone()) {
            // a DEL is the same however often it runs: a reply later than the Redis timeout (a loaded machine) is asked again
            redis.send(Request.cmd(Command.DEL).arg(spentKey).arg(probeKey)).onFailure().retry().atMost(4)
                    .await().atMost(Duration.ofSeconds(10));
        }
    }

    /** While Lightcast serves: its metrics, and with Redis a read every second of what the other replicas know of the quota. */
    void follow(@Observes StartupEvent started, TitlesService titles) {
        if (titles.serving() != TitlesService.Serving.LIGHTCAST) {
            return; // the catalog shows nothing of Lightcast
        }
        refusals = Counter.builder("titles.upstream.quota.refusals")
                .description("Normalize, inspect and bulk calls not made because Lightcast's normalize quota is spent").register(registry);
        Gauge.builder("titles.upstream.quota.spent", this, gate -> gate.spentUntil == 0 ? 0 : 1)
                .description("1 while Lightcast's normalize quota is known to be spent").register(registry);
        if (redis.configured()) {
            looking = vertx.setPeriodic(LOOK_MILLIS, unused -> look());
        }
    }

    /**
     * Lets a quota-counted call go on, or fails with the 429 to answer: the quota is spent and
     * this is not the minute's probe.
     */
    Uni<Void> admit() {
        long until = spentUntil;
        if (until == 0) {
            return Uni.createFrom().voidItem();
        }
        long now = System.currentTimeMillis();
        if (now >= until) {
            reopen("its reset has come");
            return Uni.createFrom().voidItem();
        }
        long probeAt = nextProbeAt.get();
        if (now >= probeAt && nextProbeAt.compareAndSet(probeAt, now + probeIntervalMillis)) {
            if (!redis.configured() || redis.alone()) {
                return Uni.createFrom().voidItem();
            }
            // one probe a minute among all the replicas: whoever sets the key probes
            return redis.send(Request.cmd(Command.SET).arg(probeKey).arg("1").arg("NX").arg("PX").arg(probeIntervalMillis))
                    .onFailure().recoverWithNull()
                    .flatMap(reply -> reply != null && "OK".equals(reply.toString()) ? Uni.createFrom().voidItem()
                            : Uni.createFrom().failure(refusal(until, now)));
        }
        return Uni.createFrom().failure(refusal(until, now));
    }

    private LightcastRateLimited refusal(long until, long now) {
        if (refusals != null) {
            refusals.increment();
        }
        long untilProbe = Math.max(1, (nextProbeAt.get() - now + 999) / 1000);
        long untilReset = until == UNKNOWN_RESET ? Long.MAX_VALUE : Math.max(1, (until - now + 999) / 1000);
        String when = until == UNKNOWN_RESET ? "Lightcast did not say when it resets"
                : "it resets at " + Instant.ofEpochMilli(until);
        return new LightcastRateLimited("The gateway's Lightcast normalize quota is spent (" + when
                + "): no normalize call goes to Lightcast before then, but one probe a minute; cached answers are still served.",
                Math.min(untilProbe, untilReset), true);
    }

    /** What a quota-counted answer said: {@code remaining} 0 closes the gate, more opens it. */
    void noted(String remaining, String reset) {
        if (remaining == null) {
            return;
        }
        String left = remaining.strip();
        if (left.equals("0")) {
            spent(reset);
        } else if (spentUntil != 0 && left.matches("[0-9]+")) {
            reopenEverywhere("Lightcast answered a probe with " + left + " calls left");
        }
    }

    private void reopenEverywhere(String why) {
        reopen(why);
        if (redis.configured() && !redis.alone()) {
            redis.send(Request.cmd(Command.DEL).arg(spentKey)).subscribe().with(unused -> { }, unused -> { });
        }
    }

    /** Lightcast answered a quota-counted call without its quota 429 (a no match carries no quota headers here): the quota is back. */
    void answered() {
        if (spentUntil != 0) {
            reopenEverywhere("Lightcast answered a probe");
        }
    }

    /** Lightcast said the quota is spent, until {@code reset} ({@code RateLimit-Reset}, or null). */
    void spent(String reset) {
        long until = untilOf(reset, System.currentTimeMillis());
        if (spentUntil == 0) {
            LOG.warnf("Lightcast's normalize quota is spent (%s): no normalize, inspect or bulk call goes out until then, "
                    + "but one probe every %d s", until == UNKNOWN_RESET ? "reset unknown" : "until " + Instant.ofEpochMilli(until),
                    probeIntervalMillis / 1000);
        }
        close(until);
        closedHereAt = System.currentTimeMillis();
        if (redis.configured() && !redis.alone()) {
            long ttl = until == UNKNOWN_RESET ? MAX_RESET_MILLIS : Math.max(1, until - System.currentTimeMillis());
            redis.send(Request.cmd(Command.SET).arg(spentKey).arg(String.valueOf(until)).arg("PX").arg(ttl))
                    .subscribe().with(unused -> { }, failure -> LOG.debugf("The spent quota could not be shared: %s", failure));
        }
    }

    private void close(long until) {
        if (spentUntil == 0) {
            nextProbeAt.set(System.currentTimeMillis() + probeIntervalMillis);
        }
        spentUntil = until;
    }

    private void reopen(String why) {
        if (spentUntil != 0) {
            LOG.infof("Lightcast's normalize quota is back (%s): normalize calls go out again", why);
        }
        spentUntil = 0;
    }

    /** What another replica may have heard: the shared key closes the gate here, its absence opens it. */
    private void look() {
        if (redis.alone()) {
            return;
        }
        redis.send(Request.cmd(Command.GET).arg(spentKey)).subscribe().with(this::followShared, unused -> { });
    }

    private void followShared(Response reply) {
        if (reply == null) {
            if (System.currentTimeMillis() - closedHereAt < 2 * LOOK_MILLIS) {
                return;
            }
            if (spentUntil != 0 && spentUntil != UNKNOWN_RESET && System.currentTimeMillis() >= spentUntil) {
                reopen("its reset has come");
            } else if (spentUntil != 0) {
                reopen("another replica heard it is back");
            }
            return;
        }
        try {
            long until = Long.parseLong(reply.toString());
            if (spentUntil != until) {
                if (spentUntil == 0) {
                    LOG.warnf("Another replica heard that Lightcast's normalize quota is spent: no normalize call goes out here either");
                }
                close(until);
            }
        } catch (NumberFormatException unreadable) {
            // written by a release that says it otherwise: keep what this replica knows
        }
    }

    /** When the quota comes back, from {@code RateLimit-Reset}: seconds from now, an epoch in seconds, or an HTTP date. */
    static long untilOf(String reset, long now) {
        if (reset == null || reset.isBlank()) {
            return UNKNOWN_RESET;
        }
        String value = reset.strip();
        try {
            long number = Long.parseLong(value);
            long until = number > 1_000_000_000L ? number * 1000 : now + number * 1000;
            return until <= now ? now + 1000 : Math.min(until, now + MAX_RESET_MILLIS);
        } catch (NumberFormatException notSeconds) {
            try {
                long until = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
                return Math.min(Math.max(until, now + 1000), now + MAX_RESET_MILLIS);
            } catch (DateTimeParseException notADate) {
                return UNKNOWN_RESET;
            }
        }
    }

    @PreDestroy
    void stop() {
        if (looking != -1) {
            vertx.cancelTimer(looking);
        }
    }
}
