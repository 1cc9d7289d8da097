package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.RedisAvailable;
import io.titlesgateway.support.Terms;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * With {@code TITLES_REDIS_URL} set, the budget is shared: this gateway and another replica (a
 * second ledger on the same Redis, for the same Lightcast client) together never start more than 5
 * calls in any second.
 */
@QuarkusTest
@TestProfile(SharedBudgetTest.SharedOnRedis.class)
@WithTestResource(LightcastEmulatorResource.class)
class SharedBudgetTest extends EmulatedUpstreamTest {

    public static class SharedOnRedis implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("titles.redis-url", RedisAvailable.URL, "lightcast.rate-limit", "5", "lightcast.budget-deadline", "3S");
        }
    }

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Inject
    Vertx vertx;

    private Redis redis;

    @BeforeEach
    void emptyLedgerAndAFullSecond() throws InterruptedException {
        RedisAvailable.orSkip();
        redis = SharedLedger.client(vertx, RedisAvailable.URL);
        redis.send(Request.cmd(Command.DEL).arg("titles-gateway:budget:{gateway-test}:permits")
                .arg("titles-gateway:budget:{gateway-test}:paused")).toCompletionStage().toCompletableFuture().join();
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
        SharedLedger otherReplica = new SharedLedger(redis, vertx, "gateway-test", 5, 9_000, 500, 1);
        List<Long> otherReplicaUses = Collections.synchronizedList(new ArrayList<>());
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        List<CompletableFuture<Void>> otherReplicaCallers = IntStream.range(0, 4).mapToObj(i -> CompletableFuture.runAsync(() -> {
            while (System.nanoTime() < until) {
                try {
                    SharedLedger.Ticket ticket = otherReplica.take(System.nanoTime() + 3 * SECOND).await().atMost(Duration.ofSeconds(5));
                    otherReplicaUses.add(System.nanoTime()); // a use lies between its grant and its giving back
                    Thread.sleep(50);
                    ticket.giveBack();
                } catch (RuntimeException spent) {
                    // waited past the deadline: asks again
                } catch (InterruptedException stop) {
                    return;
                }
            }
        })).toList();

        Callers.postJson(30, "/titles/versions/5.47/normalize", i -> "{\"term\":\"" + Terms.distinct(30).get(i) + "\"}");
        CompletableFuture.allOf(otherReplicaCallers.toArray(CompletableFuture[]::new)).join();

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
                .body("checks.find { it.name == 'lightcast-quota' }.data.budget", org.hamcrest.Matchers.equalTo("shared on Redis"));
    }
}
