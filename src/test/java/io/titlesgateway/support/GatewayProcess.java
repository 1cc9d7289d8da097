package io.titlesgateway.support;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gateway as it ships, in a process of its own, on a free port, configured through the
 * environment as a Kubernetes pod would be: the packaged jar ({@code target/quarkus-app/quarkus-run.jar},
 * which {@code mvn verify} builds before the integration tests), or with {@code -Dnative} the native
 * executable ({@code native.image.path}), so that every integration test runs against both.
 */
public final class GatewayProcess implements AutoCloseable {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final int port;
    private final Process process;
    private final File log;

    private GatewayProcess(int port, Process process, File log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    /** Starts one with {@code environment} on top of the inherited one; {@link #awaitReady()} before use. */
    public static GatewayProcess start(String name, Map<String, String> environment) throws IOException {
        int port = FreePort.next();
        File log = Path.of("target", "replicas", name + ".log").toFile();
        Files.createDirectories(log.toPath().getParent());
        ProcessBuilder builder = new ProcessBuilder(command()).redirectErrorStream(true).redirectOutput(log);
        builder.environment().putAll(environment);
        builder.environment().put("QUARKUS_HTTP_PORT", String.valueOf(port));
        builder.environment().put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        return new GatewayProcess(port, builder.start(), log);
    }

    /** The jar, or under {@code mvn verify -Dnative} ({@code gateway.launch=native}) the native executable. */
    private static List<String> command() {
        if ("native".equals(System.getProperty("gateway.launch"))) {
            Path executable = Path.of(System.getProperty("native.image.path"));
            if (!Files.isExecutable(executable)) {
                throw new IllegalStateException(executable + " is missing: build it with mvn verify -Dnative");
            }
            return List.of(executable.toString(), "-Xmx192m");
        }
        Path jar = Path.of("target", "quarkus-app", "quarkus-run.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the integration tests run after the package phase (mvn verify)");
        }
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:TieredStopAtLevel=1", "-jar", jar.toString());
    }

    /** Waits until readiness answers 200, or fails with where the log is. */
    public GatewayProcess awaitReady() {
        return awaitUp("/q/health/ready", "ready");
    }

    /** Waits until liveness answers 200: for a gateway that is not meant to become ready. */
    public GatewayProcess awaitLive() {
        return awaitUp("/q/health/live", "live");
    }

    private GatewayProcess awaitUp(String healthPath, String state) {
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < giveUpAt) {
            if (!process.isAlive()) {
                throw new IllegalStateException("The gateway exited with " + process.exitValue() + "; see " + log);
            }
            try {
                if (get(healthPath).statusCode() == 200) {
                    return this;
                }
            } catch (RuntimeException notYet) {
                // not listening yet
            }
            RedisServer.sleep(100);
        }
        throw new IllegalStateException("The gateway was not " + state + " within 90 s; see " + log);
    }

    /** What the process has printed so far. */
    public String log() {
        try {
            return Files.readString(log.toPath());
        } catch (IOException unreadable) {
            throw new IllegalStateException(unreadable);
        }
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    public HttpResponse<String> get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(10)).GET().build());
    }

    /** Sends a request made by {@link #postJson} (or any other) and reads its answer as text. */
    public HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException failed) {
            throw new IllegalStateException(failed);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }

    /** A GET of {@code target} exactly as written, even one no HTTP client would send (a bare {@code %}): the whole answer, as text. */
    public String getAsWritten(String target) {
        return RawRequests.send(port, "GET " + target);
    }

    public HttpRequest postJson(String path, String body) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Kills the process at once (SIGKILL), as a lost node or the OOM killer would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(25, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(25, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException interrupted) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
