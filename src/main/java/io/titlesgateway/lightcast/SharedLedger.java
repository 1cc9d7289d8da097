package io.titlesgateway.lightcast;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.config.TitlesConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The part of the upstream budget all replicas share, when {@code TITLES_REDIS_URL} is set: the
 * same rule as {@link UpstreamBudget} (at most {@code rate} permits, each usable again one second
 * after its request completed), kept in one Redis sorted set per Lightcast client and changed only
 * by atomic scripts on Redis's own clock, so replicas together never start more than {@code rate}
 * calls in any second. A permit held by a replica that died frees itself after the attempt timeout.
 *
 * <p>If Redis does not answer within {@code TITLES_REDIS_TIMEOUT}, no caller waits on it: for the
 * next few seconds this replica goes it alone at {@code rate / TITLES_MAX_REPLICAS} calls a second,
 * so that the replicas' sum stays within Lightcast's limit, then tries Redis again.
 */
@ApplicationScoped
class SharedLedger {

    private static final Logger LOG = Logger.getLogger(SharedLedger.class);
    /** How long a replica goes it alone after Redis failed it, before it asks Redis again. */
    private static final long ALONE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long SPAN_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** Takes a permit if one is free: -1; else the milliseconds until the first frees (or the pause ends). */
    private static final String TAKE = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local paused = redis.call('PTTL', KEYS[2])
            if paused > 0 then return paused end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[1]) then
              redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
              redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[2]) + 2000)
              return -1
            end
            local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
            return math.max(1, tonumber(first[2]) - now)
            """;
    /** Gives a permit back: usable again one second from now, by Redis's clock. */
    private static final String GIVE_BACK = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            redis.call('ZADD', KEYS[1], 'XX', now + 1000, ARGV[1])
            return 1
            """;

    /** A permit taken from the ledger; {@link #giveBack()} once its request is over. */
    interface Ticket {
        void giveBack();
    }

    private static final Ticket NOTHING_TO_GIVE_BACK = () -> {
    };

    private final Redis redis;
    private final String permitsKey;
    private final String pauseKey;
    private final int rate;
    private final long holdMillis;
    private final long timeoutMillis;
    private final int aloneRate;
    private final Vertx vertx;
    /** Until when this replica goes it alone (System.nanoTime()); 0: it asks Redis. */
    private volatile long aloneUntil;
    /** Whether Redis answered the last time it was asked. */
    private volatile boolean redisAnswered = true;
    /** Alone, per permit: when it may be used again, as in {@link UpstreamBudget}; guarded by itself. */
    private final long[] aloneFreeAt;
    private static final long IN_FLIGHT = Long.MAX_VALUE;

    @Inject
    SharedLedger(TitlesConfig titles, LightcastConfig lightcast, Vertx vertx) {
        this(titles.redisUrl().filter(url -> !url.isBlank()).map(url -> client(vertx, url)).orElse(null), vertx,
                lightcast.clientId().orElse("anonymous"), lightcast.rateLimit(), lightcast.attemptTimeout().toMillis() + 1_000,
                titles.redisTimeout().toMillis(), lightcast.rateLimit() / Math.max(1, titles.maxReplicas()));
    }

    /** A ledger on {@code redis} (null: none) for one Lightcast client; what a replica is made of, tests included. */
    SharedLedger(Redis redis, Vertx vertx, String client, int rate, long holdMillis, long timeoutMillis, int aloneRate) {
        this.redis = redis;
        this.vertx = vertx;
        this.rate = Math.max(1, rate);
        this.aloneRate = Math.max(1, aloneRate);
        this.holdMillis = holdMillis;
        this.timeoutMillis = timeoutMillis;
        this.permitsKey = "titles-gateway:budget:{" + client + "}:permits";
        this.pauseKey = "titles-gateway:budget:{" + client + "}:paused";
        this.aloneFreeAt = new long[this.aloneRate];
        java.util.Arrays.fill(aloneFreeAt, Long.MIN_VALUE);
    }

    static Redis client(Vertx vertx, String url) {
        return Redis.createClient(vertx, new RedisOptions().setConnectionString(url).setMaxPoolSize(8).setMaxPoolWaiting(1024));
    }

    @PreDestroy
    void close() {
        if (redis != null) {
            redis.close();
        }
    }

    boolean shared() {
        return redis != null;
    }

    /** What readiness says of the shared budget. */
    String mode() {
        if (redis == null) {
            return "in process (TITLES_REDIS_URL unset)";
        }
        return redisAnswered ? "shared on Redis" : "degraded: Redis did not answer; this replica alone at " + aloneRate + "/s";
    }

    private boolean alone() {
        return aloneUntil != 0 && System.nanoTime() < aloneUntil;
    }

    /** A permit of the shared budget, waiting for one up to {@code deadline} (System.nanoTime()). */
    Uni<Ticket> take(long deadline) {
        if (redis == null) {
            return Uni.createFrom().item(NOTHING_TO_GIVE_BACK);
        }
        if (alone()) {
            return takeAlone(deadline);
        }
        String member = UUID.randomUUID().toString();
        Request take = Request.cmd(Command.EVAL).arg(TAKE).arg(2).arg(permitsKey).arg(pauseKey)
                .arg(rate).arg(holdMillis).arg(member);
        return send(take).onItem().transformToUni(answer -> {
            long waitMillis = answer.toLong();
            if (waitMillis < 0) {
                return Uni.createFrom().item((Ticket) () -> giveBack(member));
            }
            return later(waitMillis, deadline).chain(() -> take(deadline));
        }).onFailure(failure -> !(failure instanceof BudgetSpent)).recoverWithUni(failure -> {
            goAlone(failure);
            return takeAlone(deadline);
        });
    }

    /** Stops every replica handing out permits for {@code duration}, after Lightcast said 429. */
    void pause(Duration duration) {
        if (redis != null && !alone()) {
            send(Request.cmd(Command.SET).arg(pauseKey).arg("1").arg("PX").arg(Math.max(1, duration.toMillis())))
                    .subscribe().with(unused -> { }, this::goAlone);
        }
    }

    private void giveBack(String member) {
        send(Request.cmd(Command.EVAL).arg(GIVE_BACK).arg(1).arg(permitsKey).arg(member))
                .subscribe().with(unused -> { }, failure -> LOG.debugf("A shared permit could not be given back: %s", failure));
    }

    /**
     * Alone: {@code rate / max-replicas} permits, each usable again one second after its request
     * completed, the same rule as the shared one, so this replica alone never starts more in a second.
     */
    private Uni<Ticket> takeAlone(long deadline) {
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(50); // all in flight: look again shortly
        synchronized (aloneFreeAt) {
            long now = System.nanoTime();
            for (int permit = 0; permit < aloneFreeAt.length; permit++) {
                if (aloneFreeAt[permit] <= now) {
                    aloneFreeAt[permit] = IN_FLIGHT;
                    int taken = permit;
                    return Uni.createFrom().item((Ticket) () -> {
                        synchronized (aloneFreeAt) {
                            aloneFreeAt[taken] = System.nanoTime() + SPAN_NANOS;
                        }
                    });
                }
                if (aloneFreeAt[permit] != IN_FLIGHT) {
                    waitNanos = Math.min(waitNanos, aloneFreeAt[permit] - now);
                }
            }
        }
        return later(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)), deadline).chain(() -> takeAlone(deadline));
    }

    private void goAlone(Throwable failure) {
        if (!alone()) {
            LOG.warnf("Redis did not answer (%s): this replica paces itself alone at %d/s for %d s",
                    failure.getClass().getSimpleName(), aloneRate, TimeUnit.NANOSECONDS.toSeconds(ALONE_NANOS));
        }
        aloneUntil = System.nanoTime() + ALONE_NANOS;
        redisAnswered = false;
    }

    private Uni<Response> send(Request request) {
        return Uni.createFrom().completionStage(() -> redis.send(request).toCompletionStage())
                .ifNoItem().after(Duration.ofMillis(timeoutMillis)).fail()
                .invoke(answered -> redisAnswered = true);
    }

    /** Completes after {@code millis}, or fails with 429 if that is past the deadline. */
    private Uni<Void> later(long millis, long deadline) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis) > deadline) {
            return Uni.createFrom().failure(new BudgetSpent(Math.max(1, (millis + 999) / 1000)));
        }
        return Uni.createFrom().emitter(emitter -> vertx.setTimer(millis, unused -> emitter.complete(null)));
    }
}
