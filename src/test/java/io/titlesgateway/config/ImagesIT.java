package io.titlesgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.titlesgateway.emulator.LightcastEmulator;
import io.titlesgateway.support.FreePort;
import io.titlesgateway.support.Podman;

/**
 * Every image of {@code src/main/docker}, built here on the Debian-made bases and run as the manifests
 * in {@code kubernetes/} run it: as its non-root user, on a read-only root file system with a writable
 * {@code /tmp}, all capabilities dropped, within the manifests' memory limit. Each must become ready,
 * answer from the catalog and from Lightcast (the emulator, on the host's loopback), stop cleanly on
 * SIGTERM with the request in flight answered, and stay within its memory under a thousand requests.
 * {@code mvn verify} tests the JVM images ({@code gateway.images=jvm,jvm25}); {@code mvn verify -Dnative}
 * the native one.
 */
class ImagesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Duration BUILD_LIMIT = Duration.ofMinutes(15);
    private static final Map<String, String> BUILT = new HashMap<>();

    /** One image: its Dockerfile, the local base it is built on here, and what else its build needs. */
    record Image(String name, String dockerfile, String base, List<String> buildArgs) {

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Image> images() {
        Map<String, Image> all = Map.of(
                "jvm", new Image("jvm", "Dockerfile.jvm", "localhost/titles-gateway-base:jre17", List.of()),
                "jvm25", new Image("jvm25", "Dockerfile.jvm25", "localhost/titles-gateway-base:jre25", List.of()),
                "native", new Image("native", "Dockerfile.native-micro", "localhost/titles-gateway-base:native",
                        Files.isDirectory(Path.of("target", "native-libs")) ? List.of("RUNTIME_LIBS=target/native-libs") : List.of()));
        return Arrays.stream(System.getProperty("gateway.images", "jvm,jvm25").split(",")).map(String::trim)
                .filter(name -> !name.isEmpty()).map(name -> {
                    Image image = all.get(name);
                    if (image == null) {
                        throw new IllegalArgumentException("no image " + name + "; known: " + all.keySet());
                    }
                    return image;
                });
    }

    /** Builds the image once per run, on its local base; the tag carries the image's name. */
    private static synchronized String built(Image image) {
        Podman.requireBase(image.base());
        return BUILT.computeIfAbsent(image.name(), name -> {
            String tag = "localhost/titles-gateway:" + name + "-test";
            List<String> args = new ArrayList<>(List.of("build", "--quiet", "-f", "src/main/docker/" + image.dockerfile(),
                    "--build-arg", "BASE_IMAGE=" + image.base(), "-t", tag));
            image.buildArgs().forEach(arg -> args.addAll(List.of("--build-arg", arg)));
            args.add(".");
            Podman.run(BUILD_LIMIT, args.toArray(String[]::new)).orFail("podman build of " + image.dockerfile());
            return tag;
        });
    }

    /** The memory limit the Deployment gives the gateway's container, in MiB. */
    private static final int MEMORY_LIMIT_MIB = manifestMemoryLimitMiB();

    private static int manifestMemoryLimitMiB() {
        try {
            JsonNode deployment = new YAMLMapper().readTree(Path.of("kubernetes", "deployment", "deployment.yaml").toFile());
            String limit = deployment.at("/spec/template/spec/containers/0/resources/limits/memory").asText();
            assertThat(limit).as("the Deployment's memory limit").endsWith("Mi");
            return Integer.parseInt(limit.substring(0, limit.length() - 2));
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void servesTheCatalogAsItsNonRootUserOnAReadOnlyRoot(Image image) throws Exception {
        try (Container gateway = Container.start(built(image), Map.of("TITLES_BACKEND", "catalog"))) {
            gateway.awaitReady();
            HttpResponse<String> answer = gateway.normalize("Sr. RN - ICU nights", "name,mapping");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-Titles-Source")).hasValue("catalog");
            assertThat(JSON.readTree(answer.body()).at("/data/title/mapping/socs/0/id").asText()).isEqualTo("29-1141");
            assertThat(gateway.processUser()).as("the user the gateway runs as").isNotIn("root", "0");
            assertThat(gateway.inspect("{{.HostConfig.ReadonlyRootfs}}")).isEqualTo("true");
            assertThat(gateway.errorLines()).as("errors in the log").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void answersFromLightcastWithTheTokenItFetched(Image image) throws Exception {
        try (LightcastEmulator emulator = LightcastEmulator.start();
                Container gateway = Container.start(built(image), lightcast(emulator))) {
            gateway.awaitReady();
            String term = "data scientist " + System.nanoTime();
            HttpResponse<String> answer = gateway.normalize(term, "id,name");
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            assertThat(answer.headers().firstValue("X-Titles-Source")).hasValue("lightcast");
            assertThat(emulator.tokenRequests()).as("tokens the gateway fetched").isPositive();
            assertThat(emulator.apiCalls("/normalize")).as("the normalize call Lightcast received")
                    .anySatisfy(call -> {
                        assertThat(call.body()).contains(term);
                        assertThat(call.bearer()).as("its token").isNotBlank();
                    });
            assertThat(gateway.errorLines()).as("errors in the log").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void stopsCleanlyOnSigtermAnsweringTheRequestInFlight(Image image) throws Exception {
        try (LightcastEmulator emulator = LightcastEmulator.start();
                Container gateway = Container.start(built(image), withoutReadTimeouts(lightcast(emulator)))) {
            gateway.awaitReady();
            emulator.hold("/normalize");
            String term = "registered nurse " + System.nanoTime();
            CompletableFuture<HttpResponse<String>> inFlight = CLIENT.sendAsync(gateway.normalizeRequest(term, "id,name"),
                    HttpResponse.BodyHandlers.ofString());
            within60s("Lightcast received the call in flight")
                    .until(() -> emulator.apiCalls("/normalize").stream().anyMatch(call -> call.body().contains(term)));

            gateway.signal("TERM");
            // Quarkus's graceful shutdown has begun: new requests wait no longer, those in flight are awaited
            within60s("the shutdown began").until(() -> gateway.logs().contains("Waiting for HTTP requests to complete"));
            emulator.release();

            HttpResponse<String> answer = inFlight.get(150, TimeUnit.SECONDS);
            assertThat(answer.statusCode()).as("the answer in flight: %s", answer.body()).isEqualTo(200);
            int exitCode = gateway.awaitExit(Duration.ofSeconds(40));
            assertThat(exitCode).as("exit code after SIGTERM (0, or 143 for a JVM killed by the signal)").isIn(0, 143);
            assertThat(gateway.errorLines()).as("errors in the log").isEmpty();
        }
    }

    @ParameterizedTest
    @MethodSource("images")
    void fitsTheManifestsMemoryLimitUnderAThousandRequests(Image image) throws Exception {
        try (Container gateway = Container.start(built(image), Map.of("TITLES_BACKEND", "catalog"))) {
            gateway.awaitReady();
            List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
            for (int batch = 0; batch < 50; batch++) {
                int first = batch * 20;
                List<CompletableFuture<HttpResponse<String>>> asked = IntStream.range(first, first + 20)
                        .mapToObj(i -> CLIENT.sendAsync(gateway.normalizeRequest("store manager " + i, "id,name,mapping"),
                                HttpResponse.BodyHandlers.ofString()))
                        .toList();
                CompletableFuture.allOf(asked.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
                answers.addAll(asked);
            }
            assertThat(answers).allSatisfy(answer -> assertThat(answer.get().statusCode()).isEqualTo(200));
            assertThat(gateway.inspect("{{.State.OOMKilled}}")).isEqualTo("false");
            assertThat(gateway.inspect("{{.State.Running}}")).isEqualTo("true");
            long usedBytes = gateway.memoryUsageBytes();
            assertThat(usedBytes).as("memory in use after 1,000 requests").isPositive()
                    .isLessThan(MEMORY_LIMIT_MIB * 1024L * 1024L);
        }
    }

    /** The held call outlasts the shutdown's start, whatever the machine's pace: no read timeout meanwhile. */
    private static Map<String, String> withoutReadTimeouts(Map<String, String> environment) {
        Map<String, String> longer = new HashMap<>(environment);
        longer.put("QUARKUS_REST_CLIENT_LIGHTCAST_READ_TIMEOUT", "120000");
        longer.put("LIGHTCAST_ATTEMPT_TIMEOUT", "120S");
        return longer;
    }

    private static Map<String, String> lightcast(LightcastEmulator emulator) {
        return Map.of("LIGHTCAST_API_URL", emulator.apiUrl(), "LIGHTCAST_AUTH_URL", emulator.authUrl(),
                "LIGHTCAST_CLIENT_ID", emulator.clientId(), "LIGHTCAST_CLIENT_SECRET", emulator.clientSecret(),
                "TITLES_AUTH", "none", "LIGHTCAST_WARM_UP", "false");
    }

    private static ConditionFactory within60s(String what) {
        return Awaitility.await(what).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50));
    }

    /**
     * One container of an image, on the host's network (so that it reaches the emulator on loopback) and
     * a free port, run with the manifests' security settings and memory limit.
     */
    private static final class Container implements AutoCloseable {

        private final String id;
        private final int port;

        private Container(String id, int port) {
            this.id = id;
            this.port = port;
        }

        static Container start(String image, Map<String, String> environment) {
            int port = FreePort.next();
            List<String> args = new ArrayList<>(List.of("run", "-d", "--network", "host", "--read-only",
                    "--tmpfs", "/tmp:rw,size=64m", "--cap-drop", "ALL", "--security-opt", "no-new-privileges",
                    "--memory", MEMORY_LIMIT_MIB + "m", "--cpus", "1",
                    "-e", "QUARKUS_HTTP_PORT=" + port, "-e", "QUARKUS_LOG_CONSOLE_JSON_ENABLED=false"));
            environment.forEach((name, value) -> args.addAll(List.of("-e", name + "=" + value)));
            args.add(image);
            String id = Podman.run(Duration.ofSeconds(60), args.toArray(String[]::new)).orFail("podman run").output().trim();
            return new Container(id.lines().reduce((first, last) -> last).orElseThrow(), port);
        }

        void awaitReady() {
            within60s("the container became ready").until(() -> {
                if (!"true".equals(inspect("{{.State.Running}}"))) {
                    throw new AssertionError("the container exited:\n" + logs());
                }
                return isReady();
            });
        }

        boolean isReady() {
            try {
                return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (Exception notListening) {
                return false;
            }
        }

        HttpRequest normalizeRequest(String term, String fields) {
            return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/titles/versions/latest/normalize?fields=" + fields))
                    .timeout(Duration.ofSeconds(150)).header("Content-Type", "text/plain")
                    .POST(HttpRequest.BodyPublishers.ofString(term)).build();
        }

        HttpResponse<String> normalize(String term, String fields) throws Exception {
            return CLIENT.send(normalizeRequest(term, fields), HttpResponse.BodyHandlers.ofString());
        }

        String inspect(String format) {
            return Podman.run(Duration.ofSeconds(30), "inspect", "--format", format, id).orFail("podman inspect").output().trim();
        }

        String logs() {
            return Podman.run(Duration.ofSeconds(30), "logs", id).output();
        }

        /** Lines logged at ERROR, and stack traces. */
        List<String> errorLines() {
            return logs().lines().filter(line -> line.contains(" ERROR ") || line.matches("\\s+at [\\w.$]+\\(.*")).toList();
        }

        /** The user the gateway's process runs as, as the host sees it. */
        String processUser() {
            List<String> rows = Podman.run(Duration.ofSeconds(30), "top", id, "user").orFail("podman top").output().lines()
                    .skip(1).filter(line -> !line.isBlank()).toList();
            assertThat(rows).as("processes in the container").isNotEmpty();
            return rows.get(0).trim();
        }

        long memoryUsageBytes() {
            String stats = Podman.run(Duration.ofSeconds(30), "stats", "--no-stream", "--format", "json", id)
                    .orFail("podman stats").output();
            try {
                JsonNode row = JSON.readTree(stats.substring(stats.indexOf('['))).get(0);
                return parseBytes(row.path("mem_usage").asText().split("/")[0].trim());
            } catch (Exception unreadable) {
                throw new IllegalStateException("podman stats said: " + stats, unreadable);
            }
        }

        private static long parseBytes(String size) {
            String number = size.replaceAll("[^0-9.]", "");
            String unit = size.replaceAll("[0-9. ]", "").toUpperCase();
            double factor = switch (unit) {
                case "B" -> 1;
                case "KB", "KIB" -> 1e3;
                case "MB", "MIB" -> 1e6;
                case "GB", "GIB" -> 1e9;
                default -> throw new IllegalArgumentException("size " + size);
            };
            return (long) (Double.parseDouble(number) * factor);
        }

        void signal(String name) {
            Podman.run(Duration.ofSeconds(30), "kill", "--signal", name, id).orFail("podman kill --signal " + name);
        }

        int awaitExit(Duration limit) {
            String code = Podman.run(limit.plusSeconds(5), "wait", id).orFail("podman wait").output().trim();
            return Integer.parseInt(code.lines().reduce((first, last) -> last).orElseThrow().trim());
        }

        @Override
        public void close() {
            Podman.run(Duration.ofSeconds(60), "rm", "-f", "-t", "2", id);
        }
    }
}
