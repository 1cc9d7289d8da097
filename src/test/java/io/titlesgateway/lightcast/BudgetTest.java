package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.FiveASecond;

/** One budget of 5 calls/s for every endpoint: callers queue for it, past the deadline they get a clean 429. */
@QuarkusTest
@TestProfile(FiveASecond.class)
@WithTestResource(LightcastEmulatorResource.class)
class BudgetTest extends EmulatedUpstreamTest {

    private static final String[] WORDS = { "data", "software", "nurse", "sales", "truck", "teacher", "cook", "manager",
            "engineer", "driver", "chef", "plumber", "cashier", "network", "web", "civil", "project", "product", "graphic",
            "financial" };

    /** Version lookups are cached first, then the budget is left to refill: each test starts with a full second. */
    @BeforeEach
    void lightcastAtItsRealLimit() throws InterruptedException {
        given().get("/titles/versions/5.47").then().statusCode(200);
        Thread.sleep(1_200);
        emulator.reset();
        emulator.ratePerSecond(5);
    }

    /** Forty keys over two endpoints: twenty searches and twenty normalizations. */
    private static HttpRequest key(int i) {
        String word = WORDS[i % WORDS.length];
        return i < WORDS.length
                ? Callers.getRequest("/titles/versions/5.47/titles?q=" + word)
                : Callers.postJsonRequest("/titles/versions/5.47/normalize", "{\"term\":\"" + word + "\"}");
    }

    @Test
    void twoHundredCallersOverFortyKeysNeverPushLightcastPastItsLimit() {
        List<HttpRequest> requests = IntStream.range(0, 200).mapToObj(i -> key(i % 40)).toList();

        List<HttpResponse<String>> answers = Callers.send(requests);

        assertThat(emulator.peakCallsPerSecond()).as("most calls Lightcast saw in any one-second span: " + timeline())
                .isLessThanOrEqualTo(5);
        assertThat(emulator.apiCalls()).as("Lightcast never had to refuse the gateway")
                .extracting(ReceivedRequest::status).doesNotContain(429);
        assertThat(emulator.apiCalls()).as("concurrent callers of one key share a call").hasSizeLessThanOrEqualTo(40);
        for (HttpResponse<String> answer : answers) {
            if (answer.statusCode() == 429) {
                assertThat(answer.headers().firstValueAsLong("Retry-After").orElse(0)).isPositive();
                assertThat(answer.body()).contains("\"status\":429");
            } else {
                assertThat(answer.statusCode()).isIn(200, 404);
            }
        }
        assertThat(answers).as("the budget served some keys, each to its five callers")
                .filteredOn(answer -> answer.statusCode() != 429).hasSizeGreaterThanOrEqualTo(25);
    }

    /** When each call arrived, in ms after the first, with what it asked and got; for failure messages. */
    private String timeline() {
        List<ReceivedRequest> calls = emulator.apiCalls();
        long first = calls.isEmpty() ? 0 : calls.get(0).atNanos();
        return calls.stream().map(call -> (call.atNanos() - first) / 1_000_000 + "ms " + call.path() + " " + call.status())
                .toList().toString();
    }

    @Test
    void callsBeyondTheBudgetWaitInsteadOfFailing() {
        List<HttpRequest> requests = IntStream.range(0, 8).mapToObj(BudgetTest::key).toList();

        List<HttpResponse<String>> answers = Callers.send(requests);

        assertThat(answers).extracting(HttpResponse::statusCode).containsOnly(200);
        List<Long> arrivals = emulator.apiCalls().stream().map(ReceivedRequest::atNanos).sorted().toList();
        assertThat(arrivals).hasSize(8);
        assertThat(Duration.ofNanos(arrivals.get(5) - arrivals.get(0))).as("the sixth call waited for the window")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950));
        assertThat(emulator.peakCallsPerSecond()).isLessThanOrEqualTo(5);
    }

    @Test
    void pastTheDeadlineACallerGetsA429WithRetryAfterAndNothingIsSent() {
        List<HttpRequest> requests = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            requests.add(Callers.getRequest("/titles/versions/5.47/titles?limit=" + (i + 1)));
        }

        List<HttpResponse<String>> answers = Callers.send(requests);

        List<HttpResponse<String>> refused = answers.stream().filter(answer -> answer.statusCode() == 429).toList();
        List<HttpResponse<String>> served = answers.stream().filter(answer -> answer.statusCode() == 200).toList();
        assertThat(served.size() + refused.size()).isEqualTo(30);
        assertThat(served).as("5 at once, 5 a second or so later, and so on within the 3 s deadline: " + timeline())
                .hasSizeBetween(5, 20);
        assertThat(refused).as("the rest is refused").hasSizeGreaterThanOrEqualTo(10);
        assertThat(refused).allSatisfy(answer -> assertThat(answer.headers().firstValue("Retry-After")).isPresent());
        assertThat(emulator.apiCalls()).as("a refused caller spends nothing").hasSize(served.size());
    }
}
