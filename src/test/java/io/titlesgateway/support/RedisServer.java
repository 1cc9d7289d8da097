package io.titlesgateway.support;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A Redis server of the test's own, on a free loopback port, that a test may kill and start again:
 * Debian's {@code redis-server}, keeping nothing on disk. Missing, the test is skipped with a message
 * saying what to install; under {@code CI=true} it fails instead.
 */
public final class RedisServer implements AutoCloseable {

    private final int port;
    private final File log;
    private final List<String> options;
    private Process process;

    private RedisServer(int port, File log, List<String> options) {
        this.port = port;
        this.log = log;
        this.options = options;
    }

    /** Starts one, or skips the test (fails it under CI=true) when redis-server is not installed. */
    public static RedisServer startOrSkip(File log) {
        return startOrSkip(log, List.of());
    }

    /** The same, with more {@code redis-server} options (such as {@code --requirepass}). */
    public static RedisServer startOrSkip(File log, List<String> options) {
        if (!installed()) {
            String message = "redis-server is not installed: install it (apt-get install redis-server) to run the tests "
                    + "of several replicas";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: a missing Redis is a failure)");
            }
            Assumptions.abort(message);
        }
        log.getParentFile().mkdirs();
        RedisServer server = new RedisServer(FreePort.next(), log, options);
        try {
            server.start();
        } catch (IOException failed) {
            throw new IllegalStateException("redis-server could not be started", failed);
        }
        return server;
    }

    private static boolean installed() {
        try {
            return new ProcessBuilder("redis-server", "--version").redirectErrorStream(true).start().waitFor() == 0;
        } catch (IOException absent) {
            return false;
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts the server again on the same port, empty, as a Redis that keeps nothing on disk comes back. */
    public void start() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no"));
        command.addAll(options);
        process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log)).start();
        long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answers()) {
            if (!process.isAlive() || System.nanoTime() > giveUpAt) {
                throw new IOException("redis-server did not listen on port " + port + "; see " + log);
            }
            sleep(50);
        }
    }

    /** Kills the server at once, as a crash would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process != null) {
            kill();
        }
    }

    private boolean answers() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
