package io.titlesgateway.store;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.TimeoutException;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.TitlesConfig;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * This replica's connection to the Redis the replicas share, when {@code TITLES_REDIS_URL} is set.
 * No request waits on Redis longer than {@code TITLES_REDIS_TIMEOUT}; once Redis fails, or is slow
 * even given five times as long, the replica stops asking it for a few seconds ({@link #alone()}),
 * so that callers do not each pay the timeout, then asks again: recovery needs nobody.
 */
@ApplicationScoped
public class RedisLink {

    private static final Logger LOG = Logger.getLogger(RedisLink.class);
    /** How long a replica goes it alone after Redis failed it, before it asks Redis again. */
    public static final long ALONE_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

    private final Redis redis;
    /** With Sentinel: answers are written with a WAIT for one replica, so a failover keeps what Redis acknowledged. */
    private final boolean replicated;
    private final Duration timeout;
    /** How long the PING that decides whether a late reply means Redis is failing may take. */
    private final Duration confirmTimeout;
    /** Whether such a PING is under way. */
    private final AtomicBoolean confirming = new AtomicBoolean();
    /** Until when this replica goes it alone (System.nanoTime()); 0: it asks Redis. */
    private volatile long aloneUntil;
    /** Whether Redis answered the last time it was asked. */
    private volatile boolean answered = true;
    /** While the first connection opens, a slow answer fails its own request only. */
    private volatile boolean connecting = true;
    /** When Redis last stopped answering after it had answered (System.nanoTime()); 0: never. */
    private volatile long sharedEndedAt;
    /** When Redis last answered again after it had not (System.nanoTime()); 0: never. */
    private volatile long sharedResumedAt;

    @Inject
    public RedisLink(TitlesConfig titles, Vertx vertx) {
        this(titles.redisUrl().filter(url -> !url.isBlank()).map(url -> client(vertx, url, ConfigProvider.getConfig()
                .getOptionalValue("quarkus.redis.password", String.class), titles.redisSentinelMaster().filter(name -> !name.isBlank())))
                .orElse(null), titles.redisTimeout().toMillis(), titles.redisSentinelMaster().filter(name -> !name.isBlank()).isPresent());
    }

    /** A link over {@code redis} (null: none); what a replica is made of, tests included. */
    public RedisLink(Redis redis, long timeoutMillis) {
        this(redis, timeoutMillis, false);
    }

    private RedisLink(Redis redis, long timeoutMillis, boolean replicated) {
        this.redis = redis;
        this.replicated = replicated;
        this.timeout = Duration.ofMillis(timeoutMillis);
        this.confirmTimeout = Duration.ofMillis(Math.max(1_000, 5 * timeoutMillis));
    }

    /** A client of {@code url}, with {@code password} (Quarkus's own {@code quarkus.redis.password}) unless the URL holds one. */
    public static Redis client(Vertx vertx, String url, Optional<String> password) {
        return client(vertx, url, password, Optional.empty());
    }

    /**
     * A client of {@code urls}: one Redis, or with {@code sentinelMaster} the sentinels (comma-separated)
     * that say which Redis is the primary of that name now; each new connection asks them, so after
     * a failover the replica reaches the promoted one.
     */
    public static Redis client(Vertx vertx, String urls, Optional<String> password, Optional<String> sentinelMaster) {
        RedisOptions options = new RedisOptions().setMaxPoolSize(8).setMaxPoolWaiting(1024);
        if (sentinelMaster.isPresent()) {
            options.setType(RedisClientType.SENTINEL).setMasterName(sentinelMaster.get()).setRole(RedisRole.MASTER);
            for (String sentinel : urls.split(",")) {
                if (!sentinel.isBlank()) {
                    options.addConnectionString(sentinel.strip());
                }
            }
        } else {
            options.setConnectionString(urls);
        }
        password.filter(secret -> !secret.isEmpty() && options.getPassword() == null).ifPresent(options::setPassword);
        return Redis.createClient(vertx, options);
    }

    @PreDestroy
    public void close() {
        if (redis != null) {
            redis.close();
        }
    }

    /** Whether replicas share state through Redis at all. */
    public boolean configured() {
        return redis != null;
    }

    /** Whether this replica has stopped asking Redis for now, after it failed. */
    public boolean alone() {
        long until = aloneUntil;
        return until != 0 && System.nanoTime() - until < 0;
    }

    /** Whether this replica shares through Redis now: Redis answered when last asked, and the replica is not alone. */
    private boolean answering() {
        return answered && !alone();
    }

    /** What readiness says of a part kept on Redis: {@code shared} while it is, {@code degraded} while this replica is alone. */
    public String mode(String shared, String degraded) {
        if (!configured()) {
            return "in process (TITLES_REDIS_URL unset)";
        }
        return answering() ? shared : "degraded: Redis did not answer; " + degraded;
    }

    /**
     * Opens the first connection as the replica starts, with time to spare, so that the first
     * callers do not pay for it or find the replica alone because a cold connection was slow.
     */
    public void connect(@Observes StartupEvent started) {
        if (redis == null) {
            return;
        }
        ask(Request.cmd(Command.PING), CONNECT_TIMEOUT)
                .onTermination().invoke(() -> connecting = false)
                .subscribe().with(this::answered, this::goAlone);
    }

    /** When shared mode last ended, as System.nanoTime(); 0 if it never did. */
    public long sharedEndedAt() {
        return sharedEndedAt;
    }

    /**
     * Whether this replica is coming back from going alone: it asks Redis again and has had no
     * answer yet, or Redis answers again since so recently that another replica may still be
     * alone (each goes alone for {@link #ALONE_NANOS} after its last failure, no later than now).
     */
    public boolean recovering() {
        if (!answered) {
            return true; // asking Redis again, and it has not answered yet
        }
        long resumed = sharedResumedAt;
        return resumed != 0 && System.nanoTime() - resumed < ALONE_NANOS + TimeUnit.SECONDS.toNanos(1);
    }

    /** A PING, as any command: for readiness, which reports whether Redis answers. */
    public Uni<Response> ping() {
        return send(Request.cmd(Command.PING));
    }

    /**
     * One command, failing after the timeout. A failed connection sends the replica alone for a
     * while at once; a late reply may be this replica's own event loops lagging under load rather
     * than Redis, so one PING given longer decides, and only if that is late too does it go alone.
     */
    public Uni<Response> send(Request request) {
        return ask(request, timeout)
                .invoke(this::answered)
                .onFailure().invoke(failure -> {
                    if (connecting) {
                        return;
                    }
                    if (failure instanceof TimeoutException) {
                        confirmLate(failure);
                    } else {
                        goAlone(failure);
                    }
                });
    }

    /**
     * A write of answers that cost quota: as {@link #send}, and with Sentinel on the same connection
     * a {@code WAIT} for one replica (half the timeout), so that what is acknowledged survives the
     * primary; the reply is the write's, and whether a replica had it is counted.
     */
    public Uni<Response> keep(Request write, Consumer<Boolean> replicaHasIt) {
        if (!replicated) {
            return send(write);
        }
        long waitMillis = Math.max(1, timeout.toMillis() / 2);
        return Uni.createFrom().completionStage(() -> redis.batch(List.of(write, Request.cmd(Command.WAIT).arg(1).arg(waitMillis)))
                .toCompletionStage())
                .ifNoItem().after(timeout.plusMillis(waitMillis)).fail()
                .invoke(replies -> replicaHasIt.accept(replies.get(1) != null && replies.get(1).toInteger() >= 1))
                .map(replies -> replies.get(0))
                .invoke(this::answered)
                .onFailure().invoke(failure -> {
                    if (!connecting && !(failure instanceof TimeoutException)) {
                        goAlone(failure);
                    }
                });
    }

    /** Whether {@code failure} is a reply later than the timeout, while the replica is not alone (yet): worth asking again. */
    public boolean lateOnly(Throwable failure) {
        return failure instanceof TimeoutException && !alone();
    }

    private void confirmLate(Throwable failure) {
        if (alone() || !confirming.compareAndSet(false, true)) {
            return;
        }
        ask(Request.cmd(Command.PING), confirmTimeout)
                .onTermination().invoke(() -> confirming.set(false))
                .subscribe().with(this::answered, unused -> goAlone(failure));
    }

    private Uni<Response> ask(Request request, Duration timeout) {
        return Uni.createFrom().completionStage(() -> redis.send(request).toCompletionStage()).ifNoItem().after(timeout).fail();
    }

    private void answered(Response unused) {
        if (!answered) {
            long now = System.nanoTime();
            long until = aloneUntil;
            if (until != 0 && until - now > 0) {
                // a late reply, or a readiness ping, while this replica is alone: it shares again once that period ends
                sharedResumedAt = until;
                LOG.infof("Redis answers again; this replica stays alone %d ms more, then shares the budget and the cache again",
                        TimeUnit.NANOSECONDS.toMillis(until - now));
            } else {
                sharedResumedAt = now;
                LOG.info("Redis answers again: this replica shares the budget and the cache again");
            }
        }
        answered = true;
    }

    private void goAlone(Throwable failure) {
        if (answered) {
            sharedEndedAt = System.nanoTime();
        }
        if (!alone()) {
            LOG.warnf("Redis did not answer (%s): this replica goes alone for %d s, its budget its own share, its cache its own",
                    failure.getClass().getSimpleName(), TimeUnit.NANOSECONDS.toSeconds(ALONE_NANOS));
        }
        aloneUntil = System.nanoTime() + ALONE_NANOS;
        answered = false;
    }
}
