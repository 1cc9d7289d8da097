package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.RedisAvailable;
import io.titlesgateway.support.SharedOnRedis;
import io.titlesgateway.support.Terms;
import io.titlesgateway.store.RedisLink;
import io.titlesgateway.store.SharedLedger;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;

/**
 * With {@code TITLES_REDIS_URL} set, the budget is shared: this gateway and another replica (a
 * second ledger on the same Redis, for the same Lightcast client) together never start more than 5
 * calls in any second, and a caller flooding one replica does not starve a caller of another.
 */
@QuarkusTest
@TestProfile(SharedOnRedis.class)
@WithTestResource(LightcastEmulatorResource.class)
class SharedBudgetTest extends EmulatedUpstreamTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Inject
    Vertx vertx;

    private Redis redis;

    @BeforeEach
    void emptyLedgerAndAFullSecond() throws InterruptedException {
        RedisAvailable.orSkip();
        redis = RedisLink.client(vertx, RedisAvailable.URL, Optional.empty());
        RedisAvailable.forgetTheTestClient(redis);
        given().get("/titles/versions/5.47").then().statusCode(200);
        Thread.sleep(1_200);
        emulator.reset();
        emulator.ratePerSecond(1000);
    }

    @AfterEach
    void close() {
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    void thisReplicaAndAnotherTogetherNeverStartMoreThanFiveCallsInASecond() {
        SharedLedger otherReplica = otherReplica();
        List<Long> otherReplicaUses = Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> otherReplicaCallers = flood(otherReplica, "other-caller", 4, 3 * SECOND, otherReplicaUses);

        Callers.postJson(30, "/titles/versions/5.47/normalize", i -> "{\"term\":\"" + Terms.distinct(30).get(i) + "\"}");
        otherReplicaCallers.join();

        List<Long> uses = new ArrayList<>(otherReplicaUses);
        emulator.apiCalls("/normalize").stream().map(ReceivedRequest::atNanos).forEach(uses::add);
        Collections.sort(uses);
        int busiestSecond = 0;
        for (int first = 0, last = 0; last < uses.size(); last++) {
            while (uses.get(last) - uses.get(first) >= SECOND) {
                first++;
            }
            busiestSecond = Math.max(busiestSecond, last - first + 1);
        }
        assertThat(otherReplicaUses).as("the other replica got permits").hasSizeGreaterThanOrEqualTo(3);
        assertThat(emulator.apiCalls("/normalize")).as("this gateway got permits").hasSizeGreaterThanOrEqualTo(3);
        assertThat(busiestSecond).as("calls started by both replicas in the busiest second").isLessThanOrEqualTo(5);
        given().get("/q/health/ready").then()
                .body("checks.find { it.name == 'redis' }.data.budget", org.hamcrest.Matchers.equalTo("shared on Redis"))
                .body("checks.find { it.name == 'redis' }.data.ping", org.hamcrest.Matchers.startsWith("answered in"));
    }

    @Test
    void aCallerFloodingAnotherReplicaDoesNotStarveACallerOfThisOne() throws InterruptedException {
        SharedLedger otherReplica = otherReplica();
        CompletableFuture<Void> flooder = flood(otherReplica, "flooder", 20, 5 * SECOND, Collections.synchronizedList(new ArrayList<>()));
        Thread.sleep(1_000); // the flood holds every permit by now

        long started = System.nanoTime();
        List<Integer> statuses = Callers.postJson(3, "/titles/versions/5.47/normalize",
                i -> "{\"term\":\"" + Terms.title(i) + " fair " + i + "\"}").stream().map(response -> response.statusCode()).toList();
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        flooder.join();

        // with equal weights the two callers alternate: three permits come within about a second and a half,
        // where first come, first served would give this caller 3 of every 23 and leave it 429s after 3 s
        assertThat(statuses).as("this replica's caller, against 20 requests of a caller flooding the other (%d ms)", tookMillis)
                .containsOnly(200);
    }

    @Test
    void aPauseAnotherReplicaSetsAfterAn429HoldsThisReplicaToo() {
        otherReplica().pause(Duration.ofMillis(1_500)); // as the other replica does when Lightcast says 429
        long asked = System.nanoTime();

        given().contentType("application/json").body("{\"term\":\"cashier paused\"}").post("/titles/versions/5.47/normalize")
                .then().statusCode(200);

        assertThat(emulator.apiCalls("/normalize")).singleElement().satisfies(call -> assertThat(
                TimeUnit.NANOSECONDS.toMillis(call.atNanos() - asked)).as("ms until the call went out").isGreaterThanOrEqualTo(1_300));
    }

    private SharedLedger otherReplica() {
        return new SharedLedger(new RedisLink(redis, 500), vertx, "gateway-test", 5, 9_000, 1);
    }

    /** {@code loops} requests of {@code caller} at once on {@code replica}, each holding its permit 50 ms, for {@code nanos}. */
    private static CompletableFuture<Void> flood(SharedLedger replica, String caller, int loops, long nanos, List<Long> uses) {
        long until = System.nanoTime() + nanos;
        ExecutorService threads = Executors.newFixedThreadPool(loops);
        CompletableFuture<Void> all = CompletableFuture.allOf(IntStream.range(0, loops).mapToObj(i -> CompletableFuture.runAsync(() -> {
            while (System.nanoTime() < until) {
                try {
                    SharedLedger.Ticket ticket = replica.take(System.nanoTime() + 3 * SECOND, caller, 1).await().atMost(Duration.ofSeconds(5));
                    uses.add(System.nanoTime()); // a use lies between its grant and its giving back
                    Thread.sleep(50);
                    ticket.giveBack();
                } catch (RuntimeException spent) {
                    // waited past the deadline: asks again
                } catch (InterruptedException stop) {
                    return;
                }
            }
        }, threads)).toArray(CompletableFuture[]::new));
        return all.whenComplete((done, failure) -> threads.shutdown());
    }
}
