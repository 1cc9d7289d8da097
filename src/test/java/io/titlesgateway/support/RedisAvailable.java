package io.titlesgateway.support;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * The Redis the shared-mode tests talk to, at 127.0.0.1:6379. Missing, those tests are skipped
 * with a message saying what to install; under {@code CI=true} a missing Redis fails them instead.
 */
public final class RedisAvailable {

    public static final String URL = "redis://127.0.0.1:6379";

    private RedisAvailable() {
    }

    public static void orSkip() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", 6379), 1_000);
        } catch (IOException absent) {
            String message = "No Redis answers at 127.0.0.1:6379: install and start one (apt-get install redis-server) "
                    + "to run the shared-mode tests";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                Assertions.fail(message + " (CI=true: a missing Redis is a failure)");
            }
            Assumptions.abort(message);
        }
    }

    /** Deletes what earlier runs left in {@code redis} for the emulator's Lightcast client: budget keys, cache entries, leases. */
    public static void forgetTheTestClient(Redis redis) {
        redis.send(Request.cmd(Command.EVAL).arg("for _, key in ipairs(redis.call('KEYS', ARGV[1])) do redis.call('DEL', key) end")
                .arg(0).arg("titles-gateway:*{gateway-test}*")).toCompletionStage().toCompletableFuture().join();
    }
}
