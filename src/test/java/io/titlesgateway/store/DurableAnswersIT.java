package io.titlesgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.support.GatewayProcess;
import io.titlesgateway.support.RedisServer;

/**
 * An answer paid for is not paid for again: a replica that restarts, or is killed, with its answer
 * store, and a replica that starts from zero on a Redis that persists, answer every title answered
 * before with no normalize, inspect or bulk call to Lightcast. Run against the jar and, under
 * {@code -Dnative}, the native executable.
 */
class DurableAnswersIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final List<String> NAMES = List.of("Data Scientist", "Software Engineer", "Registered Nurse", "Plumber",
            "Electrician", "Truck Driver", "Cashier", "Accountant", "Pharmacist", "Web Developer");

    private LightcastEmulator emulator;
    private final List<GatewayProcess> gateways = new ArrayList<>();
    private RedisServer redis;

    @BeforeEach
    void emulator() {
        emulator = LightcastEmulator.start(0, "durable-" + UUID.randomUUID(), LightcastEmulator.DEFAULT_CLIENT_SECRET);
        emulator.ratePerSecond(1000);
    }

    @AfterEach
    void stopAll() {
        gateways.forEach(GatewayProcess::close);
        if (redis != null) {
            redis.close();
        }
        emulator.close();
    }

    private GatewayProcess gateway(String name, Map<String, String> more) throws IOException {
        GatewayProcess gateway = GatewayProcess.start(name, environment(more)).awaitReady();
        gateways.add(gateway);
        return gateway;
    }

    /** The emulator as Lightcast, open to callers, with {@code more} on top. */
    private Map<String, String> environment(Map<String, String> more) {
        Map<String, String> environment = new HashMap<>(Map.of(
                "LIGHTCAST_API_URL", emulator.apiUrl(),
                "LIGHTCAST_AUTH_URL", emulator.authUrl(),
                "LIGHTCAST_CLIENT_ID", emulator.clientId(),
                "LIGHTCAST_CLIENT_SECRET", emulator.clientSecret(),
                "LIGHTCAST_RATE_LIMIT", "200",
                "TITLES_AUTH", "none"));
        environment.putAll(more);
        return environment;
    }

    /** Ten known titles with a suffix each, so every term is its own answer. */
    private static List<String> terms(int count) {
        return IntStream.range(0, count).mapToObj(i -> NAMES.get(i % NAMES.size()) + " " + (i / NAMES.size())).toList();
    }

    /** Normalizes every term, half one by one and half in bulk calls, and inspects a few; all must be answered. */
    private static List<String> answers(GatewayProcess gateway, List<String> terms) {
        List<String> answers = new ArrayList<>();
        int half = terms.size() / 2;
        // 20 callers at a time: a cold replica on a busy machine, not a test of the budget under a flood
        for (int wave = 0; wave < half; wave += 20) {
            List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> singles = terms.subList(wave, Math.min(half, wave + 20))
                    .stream().map(term -> CLIENT.sendAsync(gateway.postJson("/titles/versions/5.47/normalize",
                            "{\"term\":\"" + term + "\"}"), HttpResponse.BodyHandlers.ofString()))
                    .toList();
            for (var single : singles) {
                HttpResponse<String> answer = single.join();
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                answers.add(answer.body());
            }
        }
        List<String> rest = terms.subList(half, terms.size());
        for (int from = 0; from < rest.size(); from += 100) {
            String body = rest.subList(from, Math.min(rest.size(), from + 100)).stream().map(term -> "\"" + term + "\"")
                    .reduce((a, b) -> a + "," + b).orElseThrow();
            HttpResponse<String> answer = CLIENT.sendAsync(gateway.postJson("/titles/versions/5.47/normalize/bulk",
                    "{\"terms\":[" + body + "]}"), HttpResponse.BodyHandlers.ofString()).join();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            answers.add(answer.body());
        }
        for (String term : terms.subList(0, 5)) {
            HttpResponse<String> answer = CLIENT.sendAsync(gateway.postJson("/titles/versions/5.47/normalize/inspect",
                    "{\"term\":\"" + term + "\",\"limit\":3}"), HttpResponse.BodyHandlers.ofString()).join();
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            answers.add(answer.body());
        }
        return answers;
    }

    private static long keysIn(RedisServer redis) throws IOException {
        java.net.URI uri = java.net.URI.create(redis.url());
        try (java.net.Socket socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.getOutputStream().write("DBSIZE\r\n".getBytes());
            String reply = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream())).readLine();
            return Long.parseLong(reply.substring(1));
        }
    }

    private long quotaCalls() {
        return emulator.apiCalls().stream().filter(call -> call.path().contains("/normalize")).count();
    }

    @Test
    void aReplicaRestartedWithItsStorePaysForNothingAgain() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "answers-");
        List<String> terms = terms(400);
        GatewayProcess first = gateway("durable-first", Map.of("TITLES_DATA_DIR", data.toString()));
        List<String> before = answers(first, terms);
        long paid = quotaCalls();
        assertThat(paid).isPositive();
        first.close(); // SIGTERM: the store takes what is queued, then closes

        GatewayProcess second = gateway("durable-second", Map.of("TITLES_DATA_DIR", data.toString()));
        assertThat(second.log()).contains("Answer store " + data + " opened: ");
        List<String> after = answers(second, terms);

        assertThat(quotaCalls()).as("normalize, inspect and bulk calls after the restart").isEqualTo(paid);
        assertThat(after).isEqualTo(before);
    }

    @Test
    void aReplicaKilledMidWayOpensAWholeStoreAndASecondProcessIsRefused() throws Exception {
        Path data = Files.createTempDirectory(Path.of("target"), "answers-");
        GatewayProcess first = gateway("durable-killed", Map.of("TITLES_DATA_DIR", data.toString()));
        List<String> terms = terms(300);
        answers(first, terms);

        GatewayProcess intruder = GatewayProcess.start("durable-intruder", environment(Map.of("TITLES_DATA_DIR", data.toString())));
        gateways.add(intruder);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> intruder.log().contains("is open in another process"));

        first.kill();
        GatewayProcess second = gateway("durable-after-kill", Map.of("TITLES_DATA_DIR", data.toString()));
        long paid = quotaCalls();
        answers(second, terms);
        long paidAgain = quotaCalls() - paid;
        assertThat(paidAgain).as("calls for answers that had not reached the file when it was killed")
                .isLessThan(paid);
    }

    @Test
    void aReplicaStartedFromZeroOnAPersistingRedisPaysForNothingAgain() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "redis-aof-");
        redis = RedisServer.startOrSkip(new File("target/replicas/redis-durable.log"),
                List.of("--appendonly", "yes", "--appendfsync", "always", "--dir", dir.toAbsolutePath().toString(),
                        "--maxmemory", "256mb", "--maxmemory-policy", "volatile-ttl"));
        Map<String, String> onRedis = Map.of("TITLES_REDIS_URL", redis.url());
        List<String> terms = terms(300);
        GatewayProcess first = gateway("durable-redis-first", onRedis);
        List<String> before = answers(first, terms);
        long paid = quotaCalls();
        // answers are shared once fetched, after the caller has them: wait until Redis holds one for every term
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> keysIn(redis) >= terms.size() + 5);
        first.close();
        redis.kill(); // SIGKILL: what Redis acknowledged is in its append-only file
        redis.start();

        GatewayProcess second = gateway("durable-redis-second", onRedis);
        List<String> after = answers(second, terms);

        assertThat(quotaCalls()).as("calls after Redis and the replica both restarted").isEqualTo(paid);
        assertThat(after).isEqualTo(before);
    }
}
