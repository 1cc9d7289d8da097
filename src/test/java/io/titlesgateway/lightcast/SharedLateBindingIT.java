package io.titlesgateway.lightcast;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.GatewayProcess;
import io.titlesgateway.support.RedisServer;
import io.titlesgateway.support.Terms;

/**
 * Two replicas of the packaged gateway on one Redis, with bulk access: the misses of both wait in
 * one pool, and a permit either replica gets carries the oldest of them, up to 500, whichever
 * replica they came to. So what waited on both while permits were scarce goes out in as few calls
 * as if one replica had it all, and each replica answers its own callers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SharedLateBindingIT {

    private static final String NORMALIZE = "/titles/versions/5.47/normalize";
    /** A word of this run's own, so that no term is already in a cache. */
    private static final String RUN = Long.toString(System.nanoTime(), 36);

    private RedisServer redis;
    private LightcastEmulator emulator;
    private final List<GatewayProcess> replicas = new ArrayList<>();

    @BeforeAll
    void twoReplicasWithBulkAccessOnOneRedis() throws IOException {
        redis = RedisServer.startOrSkip(new File("target/shared-late-binding/redis.log"));
        emulator = LightcastEmulator.start(0, "pool-" + UUID.randomUUID(), LightcastEmulator.DEFAULT_CLIENT_SECRET);
        Map<String, String> environment = Map.of(
                "LIGHTCAST_API_URL", emulator.apiUrl(),
                "LIGHTCAST_AUTH_URL", emulator.authUrl(),
                "LIGHTCAST_CLIENT_ID", emulator.clientId(),
                "LIGHTCAST_CLIENT_SECRET", emulator.clientSecret(),
                "LIGHTCAST_BULK_ENABLED", "true",
                "TITLES_AUTH", "none",
                "TITLES_REDIS_URL", redis.url(),
                "TITLES_REDIS_TIMEOUT", "2S", // two gateways, 700 callers and the emulator share two cores here
                "TITLES_MAX_REPLICAS", "2",
                "LIGHTCAST_BUDGET_DEADLINE", "30S"); // no loaded machine reaches it while the test holds the permits
        for (int i = 0; i < 2; i++) {
            replicas.add(GatewayProcess.start("pool-" + i, environment));
        }
        replicas.forEach(GatewayProcess::awaitReady);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> replicas.stream()
                .allMatch(replica -> replica.get("/q/health/ready").body().contains("\"shared on Redis\"")));
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
    void aFreshEmulatorAndTheVersionKnown() {
        emulator.reset();
        replicas.forEach(replica -> assertThat(replica.get("/titles/versions/5.47").statusCode()).isEqualTo(200));
    }

    @Test
    @Order(1)
    void singlesWaitingOnBothReplicasGoOutTogetherAsSoonAsPermitsCome() {
        int perReplica = 350;
        List<String> terms = Terms.distinct(2 * perReplica).stream().map(term -> term + " " + RUN).toList();
        List<CompletableFuture<HttpResponse<String>>> holders = holdEveryPermit();
        List<CompletableFuture<HttpResponse<String>>> answers = pooledOnBoth(terms);
        assertThat(emulator.bulkTerms()).as("no call while every permit is out").isEmpty();

        emulator.release();
        answers.forEach(answer -> assertThat(answer.join().statusCode()).isIn(200, 404));
        holders.forEach(CompletableFuture::join);

        assertThat(emulator.bulkTerms()).as("⌈700 / 500⌉ calls between the two replicas, each taking all that waited, up to 500")
                .extracting(List::size).containsExactlyInAnyOrder(500, 200);
        assertThat(emulator.bulkTerms().stream().flatMap(List::stream)).as("each term sent once").doesNotHaveDuplicates()
                .hasSize(2 * perReplica);
        assertThat(emulator.apiCalls("/normalize")).as("no single call").isEmpty();
        assertThat(emulator.peakCallsPerSecond()).isLessThanOrEqualTo(5);
        replicas.forEach(replica -> assertThat(metric(replica, "titles_upstream_batch_pending")).as("left waiting").isZero());
    }

    @Test
    @Order(2) // last: the failures it makes may open the replicas' breakers
    void aCallThatFailsOnOneReplicaFailsTheCallersOfBothAtOnceWithItsOwnError() {
        List<String> terms = Terms.distinct(20).stream().map(term -> term + " failing " + RUN).toList();
        List<CompletableFuture<HttpResponse<String>>> holders = holdEveryPermit();
        List<CompletableFuture<HttpResponse<String>>> answers = pooledOnBoth(terms);
        emulator.failNext(100, 503); // every attempt of the call that carries them, retries included

        emulator.release();
        List<HttpResponse<String>> answered = answers.stream().map(CompletableFuture::join).toList();
        holders.forEach(CompletableFuture::join);

        assertThat(emulator.bulkTerms()).as("one call carries the terms of both replicas, however often it is tried")
                .allSatisfy(call -> assertThat(call).containsExactlyInAnyOrderElementsOf(terms));
        // the replica that did not send hears why the call failed, at once: not a 429 at its deadline, 30 s away
        assertThat(answered).extracting(HttpResponse::statusCode).as("Lightcast failing is a 502 to every caller").containsOnly(502);
        assertThat(answered).allSatisfy(answer -> assertThat(answer.body()).contains("\"status\":502").doesNotContain("Exception"));
    }

    /** Five inspects (which have no bulk form) hold every permit the replicas share, until the emulator releases them. */
    private List<CompletableFuture<HttpResponse<String>>> holdEveryPermit() {
        emulator.hold("/normalize/inspect");
        List<CompletableFuture<HttpResponse<String>>> holders = Callers.sendAsync(IntStream.range(0, 5)
                .mapToObj(i -> replicas.get(0).postJson(NORMALIZE + "/inspect", "{\"term\":\"holder " + i + " " + UUID.randomUUID() + "\"}"))
                .toList());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> emulator.apiCalls("/normalize/inspect").size() == 5);
        return holders;
    }

    /** Sends {@code terms} as single normalizations, alternately to each replica, and waits until each has pooled its own. */
    private List<CompletableFuture<HttpResponse<String>>> pooledOnBoth(List<String> terms) {
        List<CompletableFuture<HttpResponse<String>>> answers = Callers.sendAsync(IntStream.range(0, terms.size())
                .mapToObj(i -> replicas.get(i % 2).postJson(NORMALIZE, "{\"term\":\"" + terms.get(i) + "\"}")).toList());
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> replicas.stream()
                .allMatch(replica -> metric(replica, "titles_upstream_batch_pooled") == terms.size() / 2));
        return answers;
    }

    private static double metric(GatewayProcess replica, String name) {
        return replica.get("/q/metrics").body().lines().filter(line -> line.startsWith(name + " ")).findFirst()
                .map(line -> Double.parseDouble(line.substring(name.length() + 1).trim())).orElse(-1.0);
    }
}
