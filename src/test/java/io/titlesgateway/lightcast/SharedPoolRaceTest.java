package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.notNullValue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.arc.ClientProxy;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.config.HttpClientConfig;
import io.restassured.config.RestAssuredConfig;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.EveryPartAtWork;
import io.titlesgateway.support.GatewayTokens;
import io.titlesgateway.support.RedisAvailable;
import io.titlesgateway.store.RedisLink;
import io.titlesgateway.store.SharedCache;
import io.titlesgateway.store.SharedPool;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;

/**
 * The shared pool's two looks at one term, in the order the network chooses: a normalize miss
 * starts both a look (is the answer in Redis?) and a sender (a permit, then a look that offers what
 * is pending and pops the pool). When the sender's look comes back first and finds the answer
 * already in Redis, it has nothing to send, and the caller must still get the answer it found.
 */
@QuarkusTest
@TestProfile(EveryPartAtWork.class)
@WithTestResource(LightcastEmulatorResource.class)
class SharedPoolRaceTest extends EmulatedUpstreamTest {

    /** Far longer than a sender takes to get its permit and look, far shorter than a caller's patience. */
    private static final Duration PLAIN_LOOK_DELAY = Duration.ofMillis(600);

    @Inject
    SharedPool pool;

    @Inject
    RedisLink redisLink;

    @Inject
    SharedCache sharedCache;

    @Inject
    LightcastConfig config;

    @Inject
    Vertx vertx;

    private String bearer;
    private Redis redis;

    @BeforeEach
    void redisAndACaller() {
        RedisAvailable.orSkip();
        bearer = GatewayTokens.bearer(EveryPartAtWork.CALLER, EveryPartAtWork.SECRET);
        redis = RedisLink.client(vertx, RedisAvailable.URL, Optional.empty());
        RedisAvailable.forgetTheTestClient(redis);
    }

    @AfterEach
    void closeClient() {
        redis.close();
    }

    @Test
    void anAnswerTheSendersLookFindsInRedisReachesItsCallerThoughNothingIsLeftToSend() {
        String term = "cashier " + ThreadLocalRandom.current().nextInt(1_000_000);
        String entry = sharedCache.valueKey(LightcastCache.NORMALIZE, "5.47", LightcastBackend.termKey(term));
        String firstTitle = normalize(term);
        // another replica's answer, as far as this one knows: in Redis, not in its own cache
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> redisGet(entry) != null);
        clearCaches();
        emulator.reset();

        QuarkusMock.installMockForType(new PlainLooksLate(ClientProxy.unwrap(pool), redisLink, sharedCache, config), SharedPool.class);
        try {
            assertThat(normalize(term)).as("the answer Redis held").isEqualTo(firstTitle);
        } finally {
            QuarkusMock.installMockForType(ClientProxy.unwrap(pool), SharedPool.class);
        }
        assertThat(emulator.apiCalls("/normalize")).as("single normalize calls").isEmpty();
        assertThat(emulator.apiCalls("/normalize/bulk")).as("bulk calls: the answer was in Redis").isEmpty();
    }

    /** Normalizes as the caller, with a read timeout well short of the idle timeout a lost answer would meet. */
    private String normalize(String term) {
        RestAssuredConfig patient = RestAssuredConfig.config().httpClient(HttpClientConfig.httpClientConfig()
                .setParam("http.socket.timeout", 15_000));
        return given().config(patient).header("Authorization", bearer).contentType("application/json")
                .body("{\"term\":\"" + term + "\"}")
                .post("/titles/versions/5.47/normalize")
                .then().statusCode(200).body("data.title.name", notNullValue())
                .extract().path("data.title.name");
    }

    private String redisGet(String key) {
        var reply = redis.send(Request.cmd(Command.GET).arg(key)).toCompletionStage().toCompletableFuture().join();
        return reply == null ? null : reply.toString();
    }

    /**
     * The real pool, but its plain looks (those that pop nothing) answer late, so that a sender's
     * look, sent after, is answered first.
     */
    static final class PlainLooksLate extends SharedPool {

        private final SharedPool real;

        PlainLooksLate(SharedPool real, RedisLink redis, SharedCache cache, LightcastConfig config) {
            super(redis, cache, config);
            this.real = real;
        }

        @Override
        public boolean active() {
            return real.active();
        }

        @Override
        public Uni<Look> look(String version, List<String> fields, List<Term> terms, Pop pop) {
            Uni<Look> look = real.look(version, fields, terms, pop);
            return pop.room() > 0 ? look : look.onItem().delayIt().by(PLAIN_LOOK_DELAY);
        }

        @Override
        public String newCallId() {
            return real.newCallId();
        }

        @Override
        public void answered(String version, List<String> fields, String callId, List<Popped> terms,
                List<io.titlesgateway.titles.Normalization> answers) {
            real.answered(version, fields, callId, terms, answers);
        }

        @Override
        public void failed(String version, List<String> fields, String callId, List<Popped> terms, Throwable failure) {
            real.failed(version, fields, callId, terms, failure);
        }

        @Override
        public void withdraw(String version, List<String> fields, List<String> keys) {
            real.withdraw(version, fields, keys);
        }
    }
}
