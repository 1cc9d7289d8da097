package io.titlesgateway.lightcast;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.titlesgateway.support.RedisServer;
import io.titlesgateway.store.RedisLink;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * A Redis that requires a password: the gateway's client authenticates with the one in
 * {@code TITLES_REDIS_URL}, or else with Quarkus's usual {@code quarkus.redis.password}.
 */
class RedisPasswordTest {

    private static final String PASSWORD = "a-test-password-5e1";

    private RedisServer server;
    private Vertx vertx;

    @BeforeEach
    void aRedisWithAPassword() {
        server = RedisServer.startOrSkip(new File("target/redis-password.log"), List.of("--requirepass", PASSWORD));
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() {
        if (vertx != null) {
            vertx.close().toCompletionStage().toCompletableFuture().join();
        }
        if (server != null) {
            server.close();
        }
    }

    @Test
    void thePasswordCanComeFromTheUrlOrFromQuarkusRedisPassword() {
        String withoutPassword = server.url();
        String withPassword = withoutPassword.replace("redis://", "redis://:" + PASSWORD + "@");

        assertThat(ping(RedisLink.client(vertx, withPassword, Optional.empty()))).isEqualTo("PONG");
        assertThat(ping(RedisLink.client(vertx, withoutPassword, Optional.of(PASSWORD)))).isEqualTo("PONG");
        assertThatThrownBy(() -> ping(RedisLink.client(vertx, withoutPassword, Optional.empty())))
                .isInstanceOf(CompletionException.class).hasMessageContaining("NOAUTH");
    }

    private static String ping(Redis client) {
        try {
            return client.send(Request.cmd(Command.PING)).toCompletionStage().toCompletableFuture().join().toString();
        } finally {
            client.close();
        }
    }
}
