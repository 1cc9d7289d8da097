package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
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

    /** Lightcast's real pace; a deadline no loaded machine reaches while the test holds the permits. */
    public static class BulkAtFiveASecond implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lightcast.bulk.enabled", "true", "lightcast.rate-limit", "5", "lightcast.budget-deadline", "30S");
        }
    }

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
        singlesWaitForPermitsThenPermitsCome(520);

        assertThat(emulator.bulkTerms()).extracting(List::size).containsExactly(500, 20);
        List<ReceivedRequest> calls = emulator.apiCalls("/normalize/bulk");
        assertThat(Duration.ofNanos(calls.get(1).atNanos() - calls.get(0).atNanos()))
                .as("the second call waited for the pace, 200 ms at 5 calls a second, though permits were free")
                .isGreaterThanOrEqualTo(Duration.ofMillis(190));
    }

    /**
     * Five inspects (which have no bulk form) hold every permit of the budget while {@code singles}
     * distinct singles come and wait; no bulk call goes out meanwhile. Then the inspects are
     * answered, the permits come, and every caller is answered.
     */
    private void singlesWaitForPermitsThenPermitsCome(int singles) {
        given().get("/titles/versions/5.47").then().statusCode(200);
        emulator.hold("/normalize/inspect");
        List<CompletableFuture<HttpResponse<String>>> holders = Callers.sendAsync(IntStream.range(0, 5)
                .mapToObj(i -> Callers.postJsonRequest("/titles/versions/5.47/normalize/inspect", "{\"term\":\"holder " + i + "\"}"))
                .toList());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> emulator.apiCalls("/normalize/inspect").size() == 5);

        List<String> terms = Terms.distinct(singles);
        List<CompletableFuture<HttpResponse<String>>> answers = Callers.sendAsync(IntStream.range(0, singles)
                .mapToObj(i -> Callers.postJsonRequest("/titles/versions/5.47/normalize", "{\"term\":\"" + terms.get(i) + "\"}"))
                .toList());
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> Metrics.value("titles_upstream_batch_pending") == singles);
        assertThat(emulator.bulkTerms()).as("no call while every permit is out").isEmpty();

        emulator.release();
        answers.forEach(answer -> assertThat(answer.join().statusCode()).isIn(200, 404));
        holders.forEach(CompletableFuture::join);
    }
}
