package io.titlesgateway.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.FreePort;
import io.titlesgateway.support.GatewayProcess;
import io.titlesgateway.support.RedisServer;

/**
 * Two replicas on Redis behind Sentinel (a primary, a replica, three sentinels), under load; the
 * primary is killed: the replicas keep within Lightcast's 5 calls/s throughout, follow the
 * promoted replica, share again within 30 s, and no answer Redis acknowledged before the kill is
 * lost: a replica started afterwards answers them all with no call to Lightcast.
 */
class SentinelFailoverIT {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String MASTER = "gateway";
    private static final List<String> NAMES = List.of("Data Scientist", "Software Engineer", "Registered Nurse", "Plumber",
            "Electrician", "Truck Driver", "Cashier", "Accountant", "Pharmacist", "Web Developer");

    private LightcastEmulator emulator;
    private RedisServer primary;
    private RedisServer replica;
    private final List<Process> sentinels = new ArrayList<>();
    private final List<GatewayProcess> gateways = new ArrayList<>();

    @AfterEach
    void stopAll() {
        gateways.forEach(GatewayProcess::close);
        sentinels.forEach(Process::destroyForcibly);
        for (RedisServer server : new RedisServer[] { primary, replica }) {
            if (server != null) {
                server.close();
            }
        }
        if (emulator != null) {
            emulator.close();
        }
    }

    private static int portOf(RedisServer server) {
        return URI.create(server.url()).getPort();
    }

    private String startSentinels(Path dir) throws IOException {
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int port = FreePort.next();
            Path conf = dir.resolve("sentinel-" + i + ".conf");
            Files.writeString(conf, String.join("\n",
                    "port " + port, "bind 127.0.0.1", "dir " + dir.toAbsolutePath(),
                    "sentinel monitor " + MASTER + " 127.0.0.1 " + portOf(primary) + " 2",
                    "sentinel down-after-milliseconds " + MASTER + " 1000",
                    "sentinel failover-timeout " + MASTER + " 10000",
                    "sentinel parallel-syncs " + MASTER + " 1", ""));
            sentinels.add(new ProcessBuilder("redis-server", conf.toAbsolutePath().toString(), "--sentinel").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("sentinel-" + i + ".log").toFile())).start());
            urls.add("redis://127.0.0.1:" + port);
            int sentinelPort = port;
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> command(sentinelPort, "PING").startsWith("+PONG"));
        }
        return String.join(",", urls);
    }

    /** One command over RESP: a bulk reply whole, the elements of an array reply joined with spaces, else the first line. */
    private static String command(int port, String... words) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(5_000);
            StringBuilder request = new StringBuilder("*" + words.length + "\r\n");
            for (String word : words) {
                request.append('$').append(word.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(word).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
            String first = in.readLine();
            if (first != null && first.startsWith("*")) {
                int count = Integer.parseInt(first.substring(1));
                StringBuilder items = new StringBuilder();
                for (int i = 0; i < count; i++) {
                    String header = in.readLine();
                    items.append(header.startsWith("$") ? in.readLine() : header.substring(1)).append(' ');
                }
                return items.toString().strip();
            }
            if (first != null && first.startsWith("$") && !first.equals("$-1")) {
                char[] bulk = new char[Integer.parseInt(first.substring(1))];
                int read = 0;
                while (read < bulk.length) {
                    int n = in.read(bulk, read, bulk.length - read);
                    if (n < 0) {
                        break;
                    }
                    read += n;
                }
                return new String(bulk, 0, read);
            }
            return first == null ? "" : first;
        } catch (IOException down) {
            return "down: " + down.getMessage();
        }
    }

    private GatewayProcess gateway(String name, String sentinelUrls) throws IOException {
        Map<String, String> environment = new HashMap<>(Map.of(
                "LIGHTCAST_API_URL", emulator.apiUrl(),
                "LIGHTCAST_AUTH_URL", emulator.authUrl(),
                "LIGHTCAST_CLIENT_ID", emulator.clientId(),
                "LIGHTCAST_CLIENT_SECRET", emulator.clientSecret(),
                "TITLES_AUTH", "none",
                "TITLES_REDIS_URL", sentinelUrls,
                "TITLES_REDIS_SENTINEL_MASTER", MASTER,
                "TITLES_REDIS_TIMEOUT", "500MS",
                "TITLES_MAX_REPLICAS", "3"));
        GatewayProcess gateway = GatewayProcess.start(name, environment).awaitReady();
        gateways.add(gateway);
        return gateway;
    }

    private static int normalize(GatewayProcess gateway, String term) {
        try {
            return CLIENT.send(gateway.postJson("/titles/versions/5.47/normalize", "{\"term\":\"" + term + "\"}"),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (IOException | InterruptedException failed) {
            return -1;
        }
    }

    private static boolean shares(GatewayProcess gateway) {
        try {
            return gateway.get("/q/health/ready").body().replace(" ", "").contains("\"budget\":\"sharedonRedis\"");
        } catch (RuntimeException notNow) {
            return false;
        }
    }

    private long normalizeCalls() {
        return emulator.apiCalls().stream().filter(call -> call.path().contains("/normalize")).count();
    }

    @Test
    void thePrimaryKilledUnderLoadLosesNoAcknowledgedAnswerAndNeverOverspends() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "sentinel-");
        primary = RedisServer.startOrSkip(new File(dir.toFile(), "primary.log"));
        replica = RedisServer.startOrSkip(new File(dir.toFile(), "replica.log"),
                List.of("--replicaof", "127.0.0.1", String.valueOf(portOf(primary))));
        Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> command(portOf(replica), "INFO", "replication").contains("master_link_status:up"));
        String sentinelUrls = startSentinels(dir);
        emulator = LightcastEmulator.start(0, "sentinel-" + UUID.randomUUID(), LightcastEmulator.DEFAULT_CLIENT_SECRET);
        emulator.ratePerSecond(5);
        GatewayProcess one = gateway("sentinel-one", sentinelUrls);
        GatewayProcess two = gateway("sentinel-two", sentinelUrls);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> shares(one) && shares(two));

        // answers paid for before the kill, each acknowledged by the replica (the gateways WAIT for it)
        List<String> before = IntStream.range(0, 20).mapToObj(i -> NAMES.get(i % NAMES.size()) + " before " + i).toList();
        for (int i = 0; i < before.size(); i++) {
            assertThat(normalize(i % 2 == 0 ? one : two, before.get(i))).isEqualTo(200);
        }
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> Integer.parseInt(command(portOf(replica), "EVAL",
                "return #redis.call('KEYS', ARGV[1])", "0", "*lightcast-normalize*before*").replace(":", "")) >= before.size());
        long paidBefore = normalizeCalls();

        // load: both replicas asked for new titles, more than Lightcast's 5/s together, throughout
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicInteger next = new AtomicInteger();
        List<Thread> load = new ArrayList<>();
        for (GatewayProcess gateway : List.of(one, two)) {
            for (int t = 0; t < 4; t++) {
                Thread caller = new Thread(() -> {
                    while (loading.get()) {
                        int i = next.getAndIncrement();
                        normalize(gateway, NAMES.get(i % NAMES.size()) + " during " + i);
                    }
                });
                caller.start();
                load.add(caller);
            }
        }
        Thread.sleep(3_000); // load running against the primary before it dies
        long killedAt = System.nanoTime();
        primary.kill();
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> command(Integer.parseInt(sentinelUrls.split(",")[0].replaceAll(".*:", "")), "SENTINEL",
                        "get-master-addr-by-name", MASTER).endsWith(String.valueOf(portOf(replica))));
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> shares(one) && shares(two));
        long sharedAgainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        Thread.sleep(3_000); // and load on the promoted primary
        loading.set(false);
        for (Thread caller : load) {
            caller.join(30_000);
        }

        List<ReceivedRequest> calls = emulator.apiCalls();
        int busiest = 0;
        for (int i = 0; i < calls.size(); i++) {
            int inSecond = 0;
            for (int j = i; j < calls.size() && calls.get(j).atNanos() - calls.get(i).atNanos() < 1_000_000_000L; j++) {
                inSecond++;
            }
            busiest = Math.max(busiest, inSecond);
        }
        System.out.printf("Sentinel failover: shared again %d ms after the kill; at most %d calls in any second; %d calls in all%n",
                sharedAgainMillis, busiest, calls.size());
        assertThat(busiest).as("most calls Lightcast saw in any second, before, during and after the failover").isLessThanOrEqualTo(5);
        assertThat(calls).as("Lightcast never answered 429").noneMatch(call -> call.status() == 429);
        assertThat(sharedAgainMillis).as("ms from the kill until both replicas shared again").isLessThanOrEqualTo(30_000);

        GatewayProcess fresh = gateway("sentinel-fresh", sentinelUrls);
        long paid = normalizeCalls();
        for (String term : before) {
            assertThat(normalize(fresh, term)).isEqualTo(200);
        }
        assertThat(normalizeCalls()).as("answers acknowledged before the kill, asked of a new replica after it").isEqualTo(paid);
        assertThat(paidBefore).isPositive();
    }
}
