package io.titlesgateway.lightcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.GatewayProcess;
import io.titlesgateway.support.RedisServer;
import io.titlesgateway.support.Terms;

/**
 * Three replicas of the packaged gateway, each its own process on its own port, share one Redis and
 * one emulated Lightcast, as pods of one Deployment would: together they keep to Lightcast's 5 calls
 * a second, serve what any of them fetched, make one call for a key all of them miss at once, and
 * ride out Redis dying under load.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReplicasIT {

    private static final String NORMALIZE = "/titles/versions/5.47/normalize";
    /**
     * Below the default, to keep the waits short, with room for a busy machine: under three CPU hogs the
     * first of 300 callers reached Lightcast up to 1.2 s after they were sent, and the last of the five
     * free permits was taken 1.1 s after the first (a deadline of 2 s once left three of the five unused).
     */
    private static final Duration BUDGET_DEADLINE = Duration.ofSeconds(4);
    /** Above the default: three gateways, 300 callers and the emulator share two cores here, and event loops lag. */
    private static final Duration REDIS_TIMEOUT = Duration.ofMillis(1_000);

    private RedisServer redis;
    private LightcastEmulator emulator;
    private final List<GatewayProcess> replicas = new ArrayList<>();

    @BeforeAll
    void threeReplicasOnOneRedis() throws IOException, InterruptedException {
        redis = RedisServer.startOrSkip(new File("target/replicas/redis.log"));
        // a Lightcast client of this run's own, so that nothing an earlier run left in a Redis is read
        emulator = LightcastEmulator.start(0, "replicas-" + UUID.randomUUID(), LightcastEmulator.DEFAULT_CLIENT_SECRET);
        Map<String, String> environment = new HashMap<>(Map.of(
                "LIGHTCAST_API_URL", emulator.apiUrl(),
                "LIGHTCAST_AUTH_URL", emulator.authUrl(),
                "LIGHTCAST_CLIENT_ID", emulator.clientId(),
                "LIGHTCAST_CLIENT_SECRET", emulator.clientSecret(),
                "TITLES_AUTH", "none",
                "TITLES_REDIS_URL", redis.url(),
                "TITLES_REDIS_TIMEOUT", REDIS_TIMEOUT.toMillis() + "MS",
                "TITLES_MAX_REPLICAS", "3",
                "LIGHTCAST_BUDGET_DEADLINE", BUDGET_DEADLINE.toSeconds() + "S"));
        for (int i = 0; i < 3; i++) {
            replicas.add(GatewayProcess.start("replica-" + i, environment));
        }
        replicas.forEach(GatewayProcess::awaitReady);
        awaitShared();
    }

    /** Until every replica says it shares through Redis; a replica that found Redis slow is alone for a few seconds. */
    private void awaitShared() throws InterruptedException {
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < giveUpAt && !replicas.stream().allMatch(ReplicasIT::shares)) {
            Thread.sleep(200);
        }
        assertThat(replicas).as("replicas that share through Redis").allMatch(ReplicasIT::shares);
    }

    private static boolean shares(GatewayProcess replica) {
        return replica.get("/q/health/ready").body().contains("\"shared on Redis\"");
    }

    @AfterAll
    void stop() {
        replicas.forEach(GatewayProcess::close);
        if (emulator != null) {
            emulator.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @BeforeEach
    void everyReplicaSharingAndAFreshEmulator() throws InterruptedException {
        awaitShared();
        emulator.reset();
    }

    @Test
    void whatOneReplicaFetchedTheOthersServeWithoutAnUpstreamCall() {
        String term = "registered nurse " + unique();
        HttpResponse<String> first = send(replicas.get(0).postJson(NORMALIZE, body(term)));
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.headers().firstValue("X-Cache")).hasValue("MISS");
        String titleId = LightcastEmulator.idOf("Registered Nurse");
        assertThat(replicas.get(0).get("/titles/versions/5.47/titles/" + titleId).statusCode()).isEqualTo(200);
        int callsAfterTheFirstReplica = emulator.apiCalls().size();

        for (GatewayProcess other : replicas.subList(1, 3)) {
            HttpResponse<String> again = send(other.postJson(NORMALIZE, body(term)));
            assertThat(again.statusCode()).isEqualTo(200);
            assertThat(again.body()).isEqualTo(first.body());
            assertThat(again.headers().firstValue("X-Cache")).as("served from the shared cache").hasValue("HIT");
            HttpResponse<String> title = other.get("/titles/versions/5.47/titles/" + titleId);
            assertThat(title.statusCode()).isEqualTo(200);
            assertThat(title.headers().firstValue("X-Cache")).hasValue("HIT");
        }
        assertThat(normalizeCallsFor(term)).as("normalize calls Lightcast received for the term").isEqualTo(1);
        assertThat(emulator.apiCalls()).as("calls Lightcast received once the first replica had answered")
                .hasSize(callsAfterTheFirstReplica);
    }

    @Test
    void fiftyConcurrentMissesForOneTermAcrossTheReplicasMakeOneUpstreamCall() {
        emulator.latency(Duration.ofMillis(300)); // every miss is still waiting when the last arrives
        String term = "truck driver " + unique();
        List<HttpRequest> requests = IntStream.range(0, 50).mapToObj(i -> replicas.get(i % 3).postJson(NORMALIZE, body(term))).toList();

        List<HttpResponse<String>> answers = Callers.send(requests);

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        assertThat(answers).extracting(HttpResponse::body).containsOnly(answers.get(0).body());
        assertThat(normalizeCallsFor(term)).as("normalize calls Lightcast received for the term").isEqualTo(1);
    }

    @Test
    void threeHundredCallersAcrossTheReplicasNeverMakeMoreThanFiveCallsInASecond() {
        String run = unique();
        List<HttpRequest> requests = IntStream.range(0, 300)
                .mapToObj(i -> replicas.get(i % 3).postJson(NORMALIZE, body(Terms.title(i) + " " + run + i))).toList();

        List<HttpResponse<String>> answers = Callers.send(requests);

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200, 429);
        assertThat(answers).filteredOn(answer -> answer.statusCode() == 429)
                .allSatisfy(answer -> assertThat(answer.headers().firstValue("Retry-After")).isPresent());
        long answered = answers.stream().filter(answer -> answer.statusCode() == 200).count();
        assertThat(answered).as("answered within the deadline").isGreaterThanOrEqualTo(5);
        assertThat(answered).as("answered, against the normalize calls Lightcast received: none spent on a caller refused")
                .isEqualTo(normalizeCallsFor(run));
        assertThat(emulator.peakCallsPerSecond()).as("most calls Lightcast received in one second: %s", busiestSecond())
                .isLessThanOrEqualTo(5);
        assertThat(emulator.apiCalls()).as("calls Lightcast refused").noneMatch(call -> call.status() == 429);
    }

    @Test
    @Order(Integer.MAX_VALUE) // last: it takes Redis away
    void withRedisKilledUnderLoadNoCallerWaitsPastTheTimeoutAndTheLimitHolds() throws Exception {
        String run = unique();
        List<Long> latenciesMillis = Collections.synchronizedList(new ArrayList<>());
        List<Integer> statuses = Collections.synchronizedList(new ArrayList<>());
        AtomicBoolean loading = new AtomicBoolean(true);
        List<CompletableFuture<Void>> callers = IntStream.range(0, 12).mapToObj(caller -> CompletableFuture.runAsync(() -> {
            for (int i = 0; loading.get(); i++) {
                long started = System.nanoTime();
                HttpResponse<String> answer = send(replicas.get(caller % 3).postJson(NORMALIZE,
                        body(Terms.title(i) + " " + run + caller + "x" + i)));
                latenciesMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                statuses.add(answer.statusCode());
            }
        }, runnable -> new Thread(runnable).start())).toList();

        Thread.sleep(3_000);
        redis.kill();
        Thread.sleep(2_000);
        List<String> whileDown = replicas.stream().map(replica -> replica.get("/q/health/ready").body()).toList();
        Thread.sleep(2_000);
        redis.start();
        Thread.sleep(3_000);
        loading.set(false);
        CompletableFuture.allOf(callers.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);

        assertThat(whileDown).as("readiness while Redis was down").allMatch(body -> body.contains("degraded"));
        assertThat(statuses).as("answers under load").containsOnly(200, 429).contains(200);
        assertThat(Collections.max(latenciesMillis)).as("longest wait of a caller, ms")
                // what must hold is that nobody waits on a dead Redis: the slack is for a busy machine, far below a hang
                .isLessThanOrEqualTo(BUDGET_DEADLINE.toMillis() + 2 * REDIS_TIMEOUT.toMillis() + 5_000);
        assertThat(emulator.peakCallsPerSecond()).as("most calls Lightcast received in one second: %s", busiestSecond())
                .isLessThanOrEqualTo(5);
        assertThat(emulator.apiCalls()).as("calls Lightcast refused").noneMatch(call -> call.status() == 429);

        // shared mode comes back by itself: every replica says so, and shares its cache again
        awaitShared();
        String term = "chef " + unique();
        HttpResponse<String> fetched = send(replicas.get(0).postJson(NORMALIZE, body(term)));
        HttpResponse<String> shared = send(replicas.get(2).postJson(NORMALIZE, body(term)));
        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(shared.headers().firstValue("X-Cache")).as("served from the shared cache again").hasValue("HIT");
        assertThat(normalizeCallsFor(term)).isEqualTo(1);
    }

    /** The calls of the busiest second, as ms from the first and path: what a failure needs to be read. */
    private String busiestSecond() {
        List<ReceivedRequest> calls = emulator.busiestSecond();
        long start = calls.isEmpty() ? 0 : calls.get(0).atNanos();
        return calls.stream().map(call -> TimeUnit.NANOSECONDS.toMillis(call.atNanos() - start) + " ms " + call.path()).toList()
                .toString();
    }

    private long normalizeCallsFor(String term) {
        return emulator.apiCalls("/normalize").stream().map(ReceivedRequest::body).filter(body -> body != null && body.contains(term))
                .count();
    }

    /** A word no other run used; one word, so that the emulator still matches the title it is added to. */
    private static String unique() {
        return Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36);
    }

    private static String body(String term) {
        return "{\"term\":\"" + term + "\"}";
    }

    private static HttpResponse<String> send(HttpRequest request) {
        return Callers.send(List.of(request)).get(0);
    }
}
