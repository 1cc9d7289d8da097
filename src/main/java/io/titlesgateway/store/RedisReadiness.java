package io.titlesgateway.store;

import java.util.concurrent.TimeUnit;

import org.eclipse.microprofile.health.HealthCheckResponse;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;

/**
 * {@code redis}, present while Lightcast serves with {@code TITLES_REDIS_URL} set: pings the Redis
 * the replicas share (within {@code TITLES_REDIS_TIMEOUT}) and says how the budget and the cache are
 * kept, shared or, while Redis does not answer, by this replica alone. Always UP: a replica alone
 * still serves its callers, at its share of the budget.
 */
public final class RedisReadiness implements AsyncHealthCheck {

    public static final String NAME = "redis";

    private final RedisLink redis;
    private final SharedLedger ledger;
    private final SharedCache cache;

    public RedisReadiness(RedisLink redis, SharedLedger ledger, SharedCache cache) {
        this.redis = redis;
        this.ledger = ledger;
        this.cache = cache;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        long asked = System.nanoTime();
        return redis.ping()
                .map(pong -> "answered in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - asked) + " ms")
                .onFailure().recoverWithItem(failure -> "no answer: " + failure.getClass().getSimpleName())
                .map(ping -> HealthCheckResponse.named(NAME).up()
                        .withData("ping", ping)
                        .withData("budget", ledger.mode())
                        .withData("cache", cache.mode())
                        .build());
    }
}
