package io.titlesgateway.support;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * The container engine the image tests build and run the images with: podman, configured by
 * {@code src/main/docker/podman/containers.conf}, on the Debian-made bases of
 * {@code src/main/docker/local-bases.sh}. Where it is missing the tests cannot run: in CI that fails
 * them, elsewhere they are skipped with a message that says so, loudly.
 */
public final class Podman {

    private static final Path CONFIG = Path.of("src", "main", "docker", "podman", "containers.conf").toAbsolutePath();

    private Podman() {
    }

    /** What a podman command printed, and how it ended. */
    public record Outcome(int exitCode, String output) {

        public Outcome orFail(String what) {
            if (exitCode != 0) {
                throw new IllegalStateException(what + " failed (exit " + exitCode + "):\n" + tail(output));
            }
            return this;
        }

        private static String tail(String output) {
            return output.length() <= 6_000 ? output : "…" + output.substring(output.length() - 6_000);
        }
    }

    /** Stops the test unless podman and {@code baseImage} are here; in CI their absence fails it instead. */
    public static void requireBase(String baseImage) {
        String missing = null;
        try {
            if (run(Duration.ofSeconds(60), "image", "exists", baseImage).exitCode() != 0) {
                missing = "the base image " + baseImage;
            }
        } catch (IllegalStateException noPodman) {
            missing = "podman";
        }
        if (missing == null) {
            return;
        }
        String message = "THE IMAGE TESTS DID NOT RUN: " + missing + " is missing on this machine. "
                + "Run src/main/docker/local-bases.sh (as root: it installs podman from Debian's packages) first.";
        System.err.println("\n*** " + message + " ***\n");
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message);
        }
        Assumptions.abort(message);
    }

    /** Runs {@code podman args…}, waiting up to {@code limit}. */
    public static Outcome run(Duration limit, String... args) {
        List<String> command = new ArrayList<>(List.of("podman"));
        command.addAll(List.of(args));
        try {
            Path output = Files.createTempFile("podman", ".out");
            try {
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
                builder.environment().put("CONTAINERS_CONF", CONFIG.toString());
                Process process = builder.start();
                if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new IllegalStateException(String.join(" ", command) + " did not end within " + limit);
                }
                return new Outcome(process.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(output);
            }
        } catch (IOException cannotStart) {
            throw new IllegalStateException("podman cannot be started: " + cannotStart.getMessage(), cannotStart);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(interrupted);
        }
    }
}
