package io.titlesgateway.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.config.TitlesConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;

/**
 * The part of the upstream budget all replicas share, when {@code TITLES_REDIS_URL} is set: the
 * same rule as {@link UpstreamBudget} (at most {@code rate} permits, each usable again one second
 * after its request completed), kept in one Redis sorted set per Lightcast client and changed only
 * by atomic scripts on Redis's own clock, so replicas together never start more than {@code rate}
 * calls in any second. A permit held by a replica that died frees itself after the attempt timeout.
 * The set of permits has no expiry, so that a Redis short of memory never evicts it (its members
 * expire by score; it never holds more than {@code rate}).
 *
 * <p>Callers get their fair shares across replicas too: callers asking for a permit are kept in
 * Redis with their pass, and a free permit goes to the one furthest behind, each grant advancing its
 * pass by 1 / weight (stride scheduling, as each replica does for its own queues). A caller that
 * stops asking leaves after {@code WAITER_GONE_MS}.
 *
 * <p>If Redis does not answer within {@code TITLES_REDIS_TIMEOUT}, no caller waits on it: this
 * replica goes it alone at {@code rate / TITLES_MAX_REPLICAS} calls a second, so that the replicas'
 * sum stays within Lightcast's limit, and asks Redis again after a few seconds. Going alone, it
 * starts nothing until two seconds after shared mode ended and a second after its last shared
 * request was over; coming back, it keeps to its alone share
 * as well until every other replica must be back too, so neither switch lets a second hold more.
 */
@ApplicationScoped
public class SharedLedger {

    private static final Logger LOG = Logger.getLogger(SharedLedger.class);
    /** A second, and a second more for shared requests granted before Redis failed to reach Lightcast. */
    private static final long QUIET_NANOS = TimeUnit.SECONDS.toNanos(2);
    /** The longest a replica waits between two asks; a waiting caller not seen for much longer has left. */
    private static final long LOOK_AGAIN_MAX_MS = 100;
    private static final long WAITER_GONE_MS = 400;

    /**
     * KEYS: permits, pause, waiting callers by pass, callers by last ask, passes, virtual time.
     * ARGV: rate, hold ms, permit id, caller, weight, 1 if the caller has more requests asking.
     * Takes a permit for the caller if one is free and no caller further behind waits for it: {0};
     * else {1, ms} to look again (when the first permit frees, or briefly), or {2, ms} while paused.
     */
    private static final String TAKE = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            local gone = redis.call('ZRANGEBYSCORE', KEYS[4], '-inf', now - %d)
            for _, left in ipairs(gone) do redis.call('ZREM', KEYS[3], left) end
            redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - %d)
            local caller = ARGV[4]
            local pass = tonumber(redis.call('ZSCORE', KEYS[3], caller))
            if not pass then
              local caught_up = tonumber(redis.call('GET', KEYS[6]) or '0')
              pass = math.max(tonumber(redis.call('HGET', KEYS[5], caller) or '0'), caught_up)
              redis.call('ZADD', KEYS[3], pass, caller)
            end
            redis.call('ZADD', KEYS[4], now, caller)
            for i = 3, 6 do redis.call('PEXPIRE', KEYS[i], 60000) end
            local paused = redis.call('PTTL', KEYS[2])
            if paused > 0 then return {2, paused} end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then
              local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
              return {1, math.max(1, tonumber(first[2]) - now)}
            end
            local head = redis.call('ZRANGE', KEYS[3], 0, 0, 'WITHSCORES')
            if tonumber(head[2]) < pass then return {1, 5} end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
            redis.call('SET', KEYS[6], pass, 'PX', 60000)
            local next_pass = pass + 1 / tonumber(ARGV[5])
            redis.call('HSET', KEYS[5], caller, next_pass)
            if ARGV[6] == '1' then
              redis.call('ZADD', KEYS[3], next_pass, caller)
            else
              redis.call('ZREM', KEYS[3], caller)
              redis.call('ZREM', KEYS[4], caller)
            end
            return {0}
            """.formatted(WAITER_GONE_MS, WAITER_GONE_MS);
    /**
     * KEYS: as {@link #TAKE}. ARGV: rate, hold ms, permit id. Takes a permit only if one is free and
     * no caller of any replica waits for one, without joining the waiting callers: {0}; else {1}.
     */
    private static final String TAKE_IF_IDLE = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            if redis.call('ZCOUNT', KEYS[4], now - %d, '+inf') > 0 or redis.call('PTTL', KEYS[2]) > 0 then return {1} end
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[1]) then return {1} end
            redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[3])
            return {0}
            """.formatted(WAITER_GONE_MS);
    /** Puts back a permit nothing went out on: usable again at once. */
    private static final String PUT_BACK = """
            redis.call('ZREM', KEYS[1], ARGV[1])
            return 1
            """;
    /** Gives a permit back: usable again one second from now, by Redis's clock. */
    private static final String GIVE_BACK = """
            local t = redis.call('TIME')
            local now = t[1] * 1000 + math.floor(t[2] / 1000)
            redis.call('ZADD', KEYS[1], 'XX', now + 1000, ARGV[1])
            return 1
            """;

    /** A permit taken from the ledger; {@link #giveBack()} once its request is over, {@link #putBack()} if none went out on it. */
    public interface Ticket {
        void giveBack();

        /** Nothing went out on the permit: usable again at once rather than a second after. */
        default void putBack() {
            giveBack();
        }
    }

    private static final Ticket NOTHING_TO_GIVE_BACK = () -> {
    };

    private final RedisLink redis;
    private final List<String> keys;
    private final String pauseKey;
    private final int rate;
    private final long holdMillis;
    private final int aloneRate;
    private final Vertx vertx;
    /** Alone: this replica's share of the permits, under the same rule; guarded by itself. */
    private final Permits alonePermits;
    /** Shared permits this replica holds now, and when the last one was given back (System.nanoTime(); 0: never). */
    private final AtomicInteger sharedInFlight = new AtomicInteger();
    private volatile long lastSharedOver;
    /** Requests asking the ledger now, per caller: whether a caller still waits once one is granted. */
    private final Map<String, AtomicInteger> asking = new ConcurrentHashMap<>();

    @Inject
    public SharedLedger(RedisLink redis, TitlesConfig titles, LightcastConfig lightcast, Vertx vertx) {
        this(redis, vertx, lightcast.clientId().orElse("anonymous"), lightcast.rateLimit(), lightcast.attemptTimeout().toMillis() + 1_000,
                lightcast.rateLimit() / Math.max(1, titles.maxReplicas()));
        if (redis.configured() && titles.maxReplicas() > lightcast.rateLimit()) {
            LOG.warnf("TITLES_MAX_REPLICAS (%d) is above LIGHTCAST_RATE_LIMIT (%d): replicas Redis does not answer take 1 call/s "
                    + "each, %d/s together", titles.maxReplicas(), lightcast.rateLimit(), titles.maxReplicas());
        }
    }

    /** A ledger on {@code redis} for one Lightcast client; what a replica is made of, tests included. */
    public SharedLedger(RedisLink redis, Vertx vertx, String client, int rate, long holdMillis, int aloneRate) {
        this.redis = redis;
        this.vertx = vertx;
        this.rate = Math.max(1, rate);
        this.aloneRate = Math.max(1, aloneRate);
        this.holdMillis = holdMillis;
        String prefix = "titles-gateway:budget:{" + client + "}:";
        this.pauseKey = prefix + "paused";
        this.keys = List.of(prefix + "permits", pauseKey, prefix + "waiting", prefix + "seen", prefix + "passes", prefix + "caught-up");
        this.alonePermits = new Permits(this.aloneRate);
    }

    /** What readiness says of the shared budget. */
    public String mode() {
        return redis.mode("shared on Redis", "this replica alone at " + aloneRate + "/s");
    }

    /** A permit of the shared budget for {@code caller}'s request, waiting for one up to {@code deadline} (System.nanoTime()). */
    public Uni<Ticket> take(long deadline, String caller, int weight) {
        if (!redis.configured()) {
            return Uni.createFrom().item(NOTHING_TO_GIVE_BACK);
        }
        if (redis.alone()) {
            return takeAlone(deadline);
        }
        if (redis.recovering()) {
            // back from going alone while others may still be: this replica's alone share, and a shared permit too
            return takeAlone(deadline).chain(alone -> takeShared(deadline, caller, weight, () -> Uni.createFrom().item(alone))
                    .map(shared -> (Ticket) () -> {
                        shared.giveBack();
                        alone.giveBack();
                    })
                    .onFailure().invoke(alone::giveBack));
        }
        return takeShared(deadline, caller, weight, () -> takeAlone(deadline));
    }

    /**
     * A permit of the shared budget only if one is free now and no caller of any replica waits for
     * one; else {@link BudgetSpent} at once. For probes, which never make a caller wait.
     */
    public Uni<Ticket> takeIfIdle() {
        if (!redis.configured()) {
            return Uni.createFrom().item(NOTHING_TO_GIVE_BACK);
        }
        if (redis.alone()) {
            return takeAlone(System.nanoTime());
        }
        if (redis.recovering()) {
            return Uni.createFrom().failure(new BudgetSpent(1)); // its alone share and a shared permit: not worth a probe
        }
        String permit = UUID.randomUUID().toString();
        Request take = Request.cmd(Command.EVAL).arg(TAKE_IF_IDLE).arg(keys.size());
        keys.forEach(take::arg);
        take.arg(rate).arg(holdMillis).arg(permit);
        return redis.send(take).onItem().transformToUni(answer -> answer.get(0).toInteger() == 0
                ? Uni.createFrom().item(sharedTicket(permit))
                : Uni.createFrom().<Ticket>failure(new BudgetSpent(1)));
    }

    private Ticket sharedTicket(String permit) {
        sharedInFlight.incrementAndGet();
        return new Ticket() {
            @Override
            public void giveBack() {
                lastSharedOver = System.nanoTime();
                sharedInFlight.decrementAndGet();
                SharedLedger.this.giveBack(permit, GIVE_BACK);
            }

            @Override
            public void putBack() {
                sharedInFlight.decrementAndGet();
                SharedLedger.this.giveBack(permit, PUT_BACK);
            }
        };
    }

    private Uni<Ticket> takeShared(long deadline, String caller, int weight, Supplier<Uni<Ticket>> withoutRedis) {
        AtomicInteger requests = asking.computeIfAbsent(caller, name -> new AtomicInteger());
        requests.incrementAndGet();
        return askShared(deadline, caller, weight, requests, withoutRedis).onTermination().invoke(() -> {
            if (requests.decrementAndGet() == 0) {
                asking.remove(caller, requests);
            }
        });
    }

    private Uni<Ticket> askShared(long deadline, String caller, int weight, AtomicInteger requests, Supplier<Uni<Ticket>> withoutRedis) {
        if (redis.alone()) {
            return withoutRedis.get();
        }
        String permit = UUID.randomUUID().toString();
        Request take = Request.cmd(Command.EVAL).arg(TAKE).arg(keys.size());
        keys.forEach(take::arg);
        take.arg(rate).arg(holdMillis).arg(permit).arg(caller).arg(Math.max(1, weight)).arg(requests.get() > 1 ? "1" : "0");
        return redis.send(take).onItem().transformToUni(answer -> {
            if (answer.get(0).toInteger() == 0) {
                return Uni.createFrom().item(sharedTicket(permit));
            }
            long waitMillis = answer.get(1).toLong();
            if (answer.get(0).toInteger() == 2 && System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMillis) > deadline) {
                return Uni.createFrom().<Ticket>failure(BudgetSpent.forMillis(waitMillis));
            }
            // a permit in flight frees at the latest after its hold, usually far sooner: look again often, and
            // often enough that this caller never counts as gone
            return later(Math.min(waitMillis, LOOK_AGAIN_MAX_MS), deadline).chain(() -> askShared(deadline, caller, weight, requests,
                    withoutRedis));
        }).onFailure(failure -> !(failure instanceof BudgetSpent)).recoverWithUni(failure -> redis.lateOnly(failure)
                // a late reply may have granted a permit all the same: no alone permit until Redis is known to be failing
                ? later(LOOK_AGAIN_MAX_MS, deadline).chain(() -> askShared(deadline, caller, weight, requests, withoutRedis))
                : withoutRedis.get());
    }

    /** Stops every replica handing out permits for {@code duration}, after Lightcast said 429. */
    public void pause(Duration duration) {
        if (redis.configured() && !redis.alone()) {
            redis.send(Request.cmd(Command.SET).arg(pauseKey).arg("1").arg("PX").arg(Math.max(1, duration.toMillis())))
                    .subscribe().with(unused -> { }, failure -> LOG.debugf("The shared pause could not be set: %s", failure));
        }
    }

    private void giveBack(String permit, String script) {
        redis.send(Request.cmd(Command.EVAL).arg(script).arg(1).arg(keys.get(0)).arg(permit))
                .subscribe().with(unused -> { }, failure -> LOG.debugf("A shared permit could not be given back: %s", failure));
    }

    /**
     * Alone: {@code rate / max-replicas} permits, each usable again one second after its request
     * completed, the same rule as the shared one, so this replica alone never starts more in a second;
     * and none until a second after shared mode ended, when the last shared permits were handed out.
     */
    private Uni<Ticket> takeAlone(long deadline) {
        long waitNanos = TimeUnit.MILLISECONDS.toNanos(50); // all in flight: look again shortly
        synchronized (alonePermits) {
            long now = System.nanoTime();
            long quietUntil = redis.alone() ? quietUntil() : now; // recovering: its shared permits are counted already
            int permit = alonePermits.earliest();
            if (now - quietUntil < 0) {
                waitNanos = Math.min(TimeUnit.MILLISECONDS.toNanos(100), quietUntil - now);
            } else if (!alonePermits.inFlight(permit) && alonePermits.freeAt(permit) <= now) {
                alonePermits.take(permit);
                return Uni.createFrom().item((Ticket) () -> {
                    synchronized (alonePermits) {
                        alonePermits.giveBack(permit);
                    }
                });
            } else if (!alonePermits.inFlight(permit)) {
                waitNanos = Math.min(waitNanos, alonePermits.freeAt(permit) - now);
            }
        }
        return later(Math.max(1, TimeUnit.NANOSECONDS.toMillis(waitNanos)), deadline).chain(() -> takeAlone(deadline));
    }

    /**
     * Until when a replica that lost Redis starts nothing alone: a permit granted by the ledger
     * just before may still be on its way to Lightcast, here or on another replica, so not before
     * {@link #QUIET_NANOS} after shared mode ended, nor before a second after this replica's own
     * shared requests are all over.
     */
    private long quietUntil() {
        long now = System.nanoTime();
        long until = redis.sharedEndedAt() == 0 ? now : redis.sharedEndedAt() + QUIET_NANOS;
        if (sharedInFlight.get() > 0) {
            return Math.max(until, now + 1);
        }
        long lastOver = lastSharedOver;
        return lastOver == 0 ? until : Math.max(until, lastOver + Permits.SPAN_NANOS);
    }

    /** Completes after {@code millis}, or fails with 429 if that is past the deadline. */
    private Uni<Void> later(long millis, long deadline) {
        if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis) > deadline) {
            return Uni.createFrom().failure(BudgetSpent.forMillis(millis));
        }
        return Uni.createFrom().emitter(emitter -> vertx.setTimer(millis, unused -> emitter.complete(null)));
    }
}
