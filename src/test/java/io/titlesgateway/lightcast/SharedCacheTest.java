package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.RedisAvailable;
import io.titlesgateway.support.SharedOnRedis;
import io.titlesgateway.store.RedisLink;
import io.titlesgateway.store.SharedCache;
import io.titlesgateway.store.Fetched;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

/**
 * The second cache level, seen from Redis: this gateway is one replica, and the test plays the
 * others by reading and writing the keys they would. Answers are written with their cache's
 * lifetime and the format version, failures never; an entry another replica wrote is served
 * without a call, and no longer than its lifetime; an entry of another format is replaced; a
 * lease another replica holds is waited for, and taken over when it lapses without a value.
 */
@QuarkusTest
@TestProfile(SharedOnRedis.class)
@WithTestResource(LightcastEmulatorResource.class)
class SharedCacheTest extends EmulatedUpstreamTest {

    private static final String NORMALIZE = "/titles/versions/5.47/normalize";
    private static final String ENTRIES = "titles-gateway:cache:v" + SharedCache.FORMAT + ":{gateway-test}:lightcast-normalize:5.47:";
    private static final String LEASES = "titles-gateway:lease:v" + SharedCache.FORMAT + ":{gateway-test}:lightcast-normalize:5.47:";
    private static final long DAY_MILLIS = TimeUnit.DAYS.toMillis(1);

    @Inject
    Vertx vertx;

    private Redis redis;

    @BeforeEach
    void nothingSharedYet() {
        RedisAvailable.orSkip();
        redis = RedisLink.client(vertx, RedisAvailable.URL, Optional.empty());
        RedisAvailable.forgetTheTestClient(redis);
    }

    @AfterEach
    void close() {
        if (redis != null) {
            redis.close();
        }
    }

    private static final long ANSWER_LIFETIME_MILLIS = Duration.ofDays(3650).toMillis();

    @Test
    void anAnswerIsSharedWithItsCacheLifetimeAndTheFormatVersion() {
        normalize("Registered Nurse").then().statusCode(200).header("X-Cache", "MISS");

        // the answer goes to Redis right after the caller has it, in the background
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> send(Request.cmd(Command.GET).arg(ENTRIES + "registered nurse")) != null);
        String shared = send(Request.cmd(Command.GET).arg(ENTRIES + "registered nurse")).toString();
        assertThat(shared).startsWith("{\"f\":" + SharedCache.FORMAT + ",").contains("\"name\":\"Registered Nurse\"");
        long lifetime = send(Request.cmd(Command.PTTL).arg(ENTRIES + "registered nurse")).toLong();
        assertThat(lifetime).as("ms left of the ten-year lifetime of normalizations: a version's answers never change")
                .isBetween(ANSWER_LIFETIME_MILLIS - 60_000, ANSWER_LIFETIME_MILLIS);
        assertThat(send(Request.cmd(Command.EXISTS).arg(LEASES + "registered nurse")).toInteger()).as("lease left").isZero();
    }

    @Test
    void aFailureIsNeverSharedAndFreesTheLease() {
        emulator.failNext(20, 500);

        normalize("truck driver").then().statusCode(502);

        assertThat(send(Request.cmd(Command.EXISTS).arg(ENTRIES + "truck driver").arg(LEASES + "truck driver")).toInteger())
                .as("entries and leases left for the term").isZero();
    }

    @Test
    void anEntryAnotherReplicaWroteIsServedWithoutACall() {
        share("data scientist", "Written By Another Replica", DAY_MILLIS);

        normalize("Data   SCIENTIST").then().statusCode(200).header("X-Cache", "HIT")
                .body("data.title.name", equalTo("Written By Another Replica"));

        assertThat(emulator.apiCalls("/normalize")).isEmpty();
    }

    @Test
    void anEntryReadFromRedisIsTheStaleCopyWhenLightcastCannotAnswer() {
        share("electrician", "Written By Another Replica", DAY_MILLIS);
        normalize("electrician").then().statusCode(200).header("X-Cache", "HIT");
        caches.getCache(LightcastCache.NORMALIZE).orElseThrow().invalidateAll().await().indefinitely();
        send(Request.cmd(Command.DEL).arg(ENTRIES + "electrician"));
        emulator.resetNext(3);

        normalize("electrician").then().statusCode(200).header("X-Cache", "STALE")
                .body("data.title.name", equalTo("Written By Another Replica"));
    }

    @Test
    void anEntryFromRedisLivesNoLongerThanItsLifetime() throws InterruptedException {
        share("plumber", "Written By Another Replica", 2_000); // written a day less two seconds ago

        normalize("plumber").then().statusCode(200).header("X-Cache", "HIT");
        // a hit until its life ends, then fetched anew: once
        Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
                .until(() -> "MISS".equals(normalize("plumber").then().statusCode(200).extract().header("X-Cache")));
        normalize("plumber").then().statusCode(200).header("X-Cache", "HIT").body("data.title.name", equalTo("Plumber"));

        assertThat(emulator.apiCalls("/normalize")).hasSize(1);
    }

    @Test
    void anEntryOfAnotherFormatIsNotReadButReplaced() {
        send(Request.cmd(Command.SET).arg(ENTRIES + "cashier").arg("{\"f\":0,\"v\":\"a layout of another release\"}"));

        normalize("cashier").then().statusCode(200).header("X-Cache", "MISS").body("data.title.name", equalTo("Cashier"));

        assertThat(emulator.apiCalls("/normalize")).hasSize(1);
        // replaced in the background, right after the caller has the answer
        Awaitility.await().atMost(Duration.ofSeconds(5))
                .until(() -> send(Request.cmd(Command.GET).arg(ENTRIES + "cashier")).toString().startsWith("{\"f\":" + SharedCache.FORMAT + ","));
        assertThat(send(Request.cmd(Command.GET).arg(ENTRIES + "cashier")).toString()).startsWith("{\"f\":" + SharedCache.FORMAT + ",");
    }

    @Test
    void aLeaseAnotherReplicaHoldsIsWaitedForItsValue() throws Exception {
        send(Request.cmd(Command.SET).arg(LEASES + "line cook").arg("another-replica").arg("PX").arg(20_000));

        CompletableFuture<HttpResponse<String>> answer = Callers.sendAsync(List.of(
                Callers.postJsonRequest(NORMALIZE, "{\"term\":\"line cook\"}"))).get(0);
        Thread.sleep(400);
        assertThat(answer).as("waiting for the other replica").isNotDone();
        share("line cook", "Fetched By The Lease Holder", DAY_MILLIS);

        HttpResponse<String> response = answer.get(5, TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Fetched By The Lease Holder");
        assertThat(emulator.apiCalls("/normalize")).isEmpty();
    }

    @Test
    void aLeaseThatLapsesWithoutAValueIsTakenOver() {
        send(Request.cmd(Command.SET).arg(LEASES + "teacher").arg("a-replica-that-died").arg("PX").arg(600));
        long started = System.nanoTime();

        normalize("teacher").then().statusCode(200).body("data.title.name", equalTo("Teacher"));

        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).as("waited for the lease, ms").isGreaterThanOrEqualTo(500);
        assertThat(emulator.apiCalls("/normalize")).hasSize(1);
    }

    @Test
    void aBulkCallAsksLightcastOnlyForTheTermsNoReplicaHasOrIsFetching() throws Exception {
        share("chef", "Written By Another Replica", DAY_MILLIS);
        send(Request.cmd(Command.SET).arg(LEASES + "welder").arg("another-replica").arg("PX").arg(20_000));

        CompletableFuture<HttpResponse<String>> answer = Callers.sendAsync(List.of(Callers.postJsonRequest(
                "/titles/versions/5.47/normalize/bulk", "{\"terms\":[\"chef\",\"welder\",\"cashier\"]}"))).get(0);
        Thread.sleep(400);
        share("welder", "Fetched By The Lease Holder", DAY_MILLIS);
        HttpResponse<String> response = answer.get(5, TimeUnit.SECONDS);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("Written By Another Replica", "Fetched By The Lease Holder", "\"name\":\"Cashier\"");
        assertThat(emulator.bulkTerms()).as("terms sent to Lightcast").containsExactly(List.of("cashier"));
        assertThat(emulator.apiCalls("/normalize")).isEmpty();
    }

    private static io.restassured.response.Response normalize(String term) {
        return given().contentType("application/json").body("{\"term\":\"" + term + "\"}").post(NORMALIZE);
    }

    /** A damaged entry, or another writer's of the same format: served, it would be a 500 or a wrong answer. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "lightcast-meta::                            | `{\"v\":null}`                 | /titles/meta                                   | /meta",
        "lightcast-versions::                        | `{\"v\":[null]}`               | /titles/versions                               | /titles/versions",
        "lightcast-title:5.47:ET809917E2FA1A3029     | `{\"v\":null}`                 | /titles/versions/5.47/titles/ET809917E2FA1A3029 | /titles/ET809917E2FA1A3029",
        "lightcast-normalize:5.47:cashier            | `{\"v\":{\"confidence\":0.9,\"jobLevels\":[],\"title\":{\"name\":\"No Id\"}}}` | - | /normalize",
    })
    void anEntryThatIsNotWholeIsNotServedButFetchedAgain(String key, String entry, String path, String upstreamPath) {
        String stored = entry.replace("{\"v\"", "{\"f\":" + SharedCache.FORMAT + ",\"v\"");
        send(Request.cmd(Command.SET).arg("titles-gateway:cache:v" + SharedCache.FORMAT + ":{gateway-test}:" + key).arg(stored)
                .arg("PX").arg(DAY_MILLIS));

        var answer = path.equals("-") ? normalize("cashier") : given().get(path);

        answer.then().statusCode(200).body(not(containsString("No Id"))).body("data", not(hasItem(nullValue())));
        assertThat(emulator.apiCalls(upstreamPath)).as("asked Lightcast again").hasSize(1);
    }

    /** What another replica writes once it has fetched {@code termKey}, due to expire in {@code millisLeft}. */
    private void share(String termKey, String titleName, long millisLeft) {
        String entry = "{\"f\":" + SharedCache.FORMAT + ",\"v\":{\"confidence\":0.93,\"jobLevels\":[],"
                + "\"title\":{\"id\":\"ET0123456789ABCDEF\",\"name\":\"" + titleName + "\"}}}";
        send(Request.cmd(Command.SET).arg(ENTRIES + termKey).arg(entry).arg("PX").arg(millisLeft));
    }

    private Response send(Request request) {
        return redis.send(request).toCompletionStage().toCompletableFuture().join();
    }
}
