package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.stream.IntStream;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.Metrics;
import io.titlesgateway.support.Terms;

/**
 * Terms are bound to a bulk call only when it has its permit: whatever waited while permits were
 * scarce goes out in as few calls as the 500-term bound allows, the moment permits come.
 */
@QuarkusTest
@TestProfile(LateBindingTest.BulkAtFiveASecond.class)
@WithTestResource(LightcastEmulatorResource.class)
class LateBindingTest extends EmulatedUpstreamTest {

    /**
     * Lightcast's real pace; a deadline no loaded machine reaches while the test holds the permits; a
     * window and a return wait that no stall of a loaded machine outlasts between two returning callers.
     */
    public static class BulkAtFiveASecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lightcast.bulk.enabled", "true", "lightcast.rate-limit", "5", "lightcast.budget-deadline", "30S",
                    "lightcast.bulk.window", "200MS", "lightcast.bulk.return-wait", "5S");
        }
    }

    private static final AttributeKey<Long> TERMS = AttributeKey.longKey(NormalizeBatcher.TERMS);

    @Inject
    InMemorySpanExporter exported;

    private long testStartedAt;

    @Test
    void singlesThatWaitedForPermitsGoOutFullAsSoonAsPermitsCome() {
        singlesWaitForPermitsThenPermitsCome(1_100);

        assertThat(emulator.bulkTerms()).as("⌈1,100 / 500⌉ calls, each taking all that waited, up to 500")
                .extracting(List::size).containsExactlyInAnyOrder(500, 500, 100);
        assertThat(emulator.apiCalls("/normalize")).as("no single call").isEmpty();
        assertThat(emulator.peakCallsPerSecond()).isLessThanOrEqualTo(5);
    }

    /**
     * What is left once a call took 500 does not go out at once on another permit, half empty: it
     * waits for the budget's pace (a call every 1 s / rate), so that what comes meanwhile rides along.
     */
    @Test
    void whatIsLeftAfterAFullCallWaitsForTheBudgetsPaceInsteadOfGoingOutHalfEmpty() {
        testStartedAt = TimeUnit.MILLISECONDS.toNanos(System.currentTimeMillis());
        singlesWaitForPermitsThenPermitsCome(520);

        assertThat(emulator.bulkTerms()).extracting(List::size).containsExactlyInAnyOrder(500, 20);
        // the order they took their terms in: which reaches Lightcast first also depends on the machine's load
        List<SpanData> calls = Awaitility.await().atMost(Duration.ofSeconds(30)).until(this::boundBulkCalls, bound -> bound.size() == 2);
        assertThat(calls).extracting(call -> call.getAttributes().get(TERMS)).containsExactly(500L, 20L);
        assertThat(Duration.ofNanos(boundAt(calls.get(1)).getAsLong() - boundAt(calls.get(0)).getAsLong()))
                .as("the second call waited for the pace, 200 ms at 5 calls a second, though permits were free")
                .isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }

    /**
     * Callers answered together come back one by one, each with a new title, over twice the
     * budget's pace: the next call, its permit free, waits for them and carries them all, rather
     * than the first half now and the rest a call later.
     */
    @Test
    void aCallWaitsForTheCallersJustAnsweredToComeBackWithTheirNextTitles() {
        int callers = 40;
        List<String> terms = Terms.distinct(2 * callers);
        singlesWaitForPermitsThenPermitsCome(terms.subList(0, callers), (caller, answer) -> CompletableFuture.supplyAsync(
                () -> normalizeRequest(terms.get(callers + caller)), CompletableFuture.delayedExecutor(10L * caller, TimeUnit.MILLISECONDS))
                .thenCompose(request -> Callers.sendAsync(List.of(request)).get(0)));

        List<List<String>> calls = emulator.bulkTerms();
        assertThat(calls).as("the first callers' call, then one call with every title they came back with").hasSize(2);
        assertThat(calls.get(0)).containsExactlyInAnyOrderElementsOf(terms.subList(0, callers));
        assertThat(calls.get(1)).containsExactlyInAnyOrderElementsOf(terms.subList(callers, 2 * callers));
        assertThat(emulator.peakCallsPerSecond()).isLessThanOrEqualTo(5);
    }

    /** This test's bulk calls that took terms, in the order they took them. */
    private List<SpanData> boundBulkCalls() {
        return exported.getFinishedSpanItems().stream().filter(span -> span.getName().equals(NormalizeBatcher.BULK_CALL))
                .filter(span -> span.getStartEpochNanos() >= testStartedAt).filter(span -> boundAt(span).isPresent())
                .sorted(Comparator.comparingLong(span -> boundAt(span).getAsLong())).toList();
    }

    /** When the call took its terms (epoch nanoseconds); empty for a call that took none. */
    private static OptionalLong boundAt(SpanData call) {
        return call.getEvents().stream().filter(event -> event.getName().equals(NormalizeBatcher.BOUND)).mapToLong(EventData::getEpochNanos)
                .findFirst();
    }

    /**
     * Five inspects (which have no bulk form) hold every permit of the budget while {@code singles}
     * distinct singles come and wait; no bulk call goes out meanwhile. Then the inspects are
     * answered, the permits come, and every caller is answered.
     */
    private void singlesWaitForPermitsThenPermitsCome(int singles) {
        singlesWaitForPermitsThenPermitsCome(Terms.distinct(singles), (caller, answer) -> CompletableFuture.completedFuture(answer));
    }

    /**
     * As above, with these terms, and each caller, once answered, asking {@code next} (its index
     * and answer given) and waiting for that answer too.
     */
    private void singlesWaitForPermitsThenPermitsCome(List<String> terms,
            BiFunction<Integer, HttpResponse<String>, CompletableFuture<HttpResponse<String>>> next) {
        int singles = terms.size();
        given().get("/titles/versions/5.47").then().statusCode(200);
        emulator.hold("/normalize/inspect");
        List<CompletableFuture<HttpResponse<String>>> holders = Callers.sendAsync(IntStream.range(0, 5)
                .mapToObj(i -> Callers.postJsonRequest("/titles/versions/5.47/normalize/inspect", "{\"term\":\"holder " + i + "\"}"))
                .toList());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> emulator.apiCalls("/normalize/inspect").size() == 5);

        List<CompletableFuture<HttpResponse<String>>> firsts = Callers.sendAsync(terms.stream().map(LateBindingTest::normalizeRequest).toList());
        List<CompletableFuture<HttpResponse<String>>> answers = IntStream.range(0, singles)
                .mapToObj(i -> firsts.get(i).thenCompose(answer -> {
                    assertThat(answer.statusCode()).isIn(200, 404);
                    return next.apply(i, answer);
                }))
                .toList();
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Metrics.value("titles_upstream_batch_pending") == singles);
        assertThat(emulator.bulkTerms()).as("no call while every permit is out").isEmpty();

        emulator.release();
        answers.forEach(answer -> assertThat(answer.join().statusCode()).isIn(200, 404));
        holders.forEach(CompletableFuture::join);
    }

    private static HttpRequest normalizeRequest(String term) {
        return Callers.postJsonRequest("/titles/versions/5.47/normalize", "{\"term\":\"" + term + "\"}");
    }
}
