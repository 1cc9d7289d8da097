package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;

import java.time.Duration;
import java.util.Map;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.EmulatedUpstreamTest;

/** What a caller gets when Lightcast says no, fails, stalls or drops the connection; what is retried and what is not. */
@QuarkusTest
@TestProfile(UpstreamErrorsTest.ShortReadTimeout.class)
@WithTestResource(LightcastEmulatorResource.class)
class UpstreamErrorsTest extends EmulatedUpstreamTest {

    /** A read timeout of 1 s, five times shorter than the slow emulator's latency, so that it always bites. */
    public static class ShortReadTimeout implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("quarkus.rest-client.lightcast.read-timeout", "1000");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = { 400, 404, 413, 415 })
    void clientErrorsPassThroughInTheEnvelopeWithoutRetry(int status) {
        emulator.failNext(1, status);

        given().get("/titles/meta").then().statusCode(status)
                .body("errors[0].status", equalTo(status))
                .body("errors[0].detail", equalTo("The emulator was told to fail this call"));
        assertThat(emulator.apiCalls()).as("a 4xx is never retried").hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(ints = { 500, 502, 503 })
    void serverErrorsAreRetriedThenBecomeABadGateway(int status) {
        emulator.failNext(3, status);

        given().get("/titles/status").then().statusCode(502)
                .body("errors[0].status", equalTo(502))
                .body("errors[0].detail", equalTo("Lightcast failed to serve /status (HTTP " + status + ")."))
                .body(not(containsString("Injected failure")));
        assertThat(emulator.apiCalls()).as("first attempt and two retries").hasSize(3);
    }

    @Test
    void aPassing5xxIsRetriedAway() {
        emulator.failNext(1, 503);

        given().get("/titles/meta").then().statusCode(200).body("data.latestVersion", equalTo("5.47"));

        assertThat(emulator.apiCalls()).extracting(ReceivedRequest::status).containsExactly(503, 200);
    }

    @Test
    void retriesBackOff() {
        emulator.failNext(2, 500);

        given().get("/titles/meta").then().statusCode(200);

        List<Long> arrivals = emulator.apiCalls().stream().map(ReceivedRequest::atNanos).toList();
        assertThat(arrivals).hasSize(3);
        long firstGap = arrivals.get(1) - arrivals.get(0);
        long secondGap = arrivals.get(2) - arrivals.get(1);
        // lower bounds only: a busy machine can delay either retry, never bring one forward
        assertThat(Duration.ofNanos(firstGap)).as("first retry after the configured delay (50 ms ± 20 ms jitter)")
                .isGreaterThanOrEqualTo(Duration.ofMillis(25));
        assertThat(Duration.ofNanos(secondGap)).as("the next one waits three times as long (150 ms ± 20 ms), more than the first could")
                .isGreaterThanOrEqualTo(Duration.ofMillis(125));
    }

    @Test
    void upstreamRateLimitPausesTheBudgetAndTheCallGoesThroughAfterIt() {
        emulator.ratePerSecond(1);
        given().get("/titles/versions").then().statusCode(200);

        given().get("/titles/meta").then().statusCode(200);

        List<ReceivedRequest> calls = emulator.apiCalls();
        assertThat(calls).extracting(ReceivedRequest::status).containsExactly(200, 429, 200);
        assertThat(Duration.ofNanos(calls.get(2).atNanos() - calls.get(1).atNanos()))
                .as("the retry waits out RateLimit-Reset").isGreaterThanOrEqualTo(Duration.ofMillis(950));
    }

    @Test
    void upstreamRateLimitLongerThanTheDeadlineIsA429WithRetryAfter() {
        emulator.ratePerSecond(1);
        emulator.rateLimitReset(30);
        given().get("/titles/versions").then().statusCode(200);

        given().get("/titles/meta").then().statusCode(429)
                .header("Retry-After", "30")
                .body("errors[0].status", equalTo(429));

        given().get("/titles/versions/5.46/changes").then().statusCode(429);
        assertThat(emulator.apiCalls()).as("paused: the third request never reached Lightcast")
                .extracting(ReceivedRequest::status).containsExactly(200, 429);
    }

    @Test
    void exhaustedQuotaIsA429WithABoundedRetryAfterAndDoesNotPauseTheBudget() {
        emulator.quota(0);

        given().contentType("application/json").body("{\"term\":\"cook\"}")
                .post("/titles/versions/latest/normalize")
                .then().statusCode(429)
                .header("Retry-After", "3600")
                .body("errors[0].detail", containsString("quota"));
        given().get("/titles/versions/5.46/changes").then().statusCode(200);
    }

    @Test
    void slowUpstreamIsAGatewayTimeout() {
        emulator.latency(Duration.ofSeconds(5));

        given().get("/titles/meta").then().statusCode(504)
                .body("errors[0].status", equalTo(504))
                .body("errors[0].detail", containsString("did not answer /meta in time"));
    }

    @Test
    void droppedConnectionsAreRetriedThenABadGateway() {
        emulator.resetNext(3);

        given().get("/titles/meta").then().statusCode(502)
                .body("errors[0].detail", containsString("Lightcast"))
                .body(not(containsString("Exception")));
        assertThat(emulator.apiCalls()).hasSize(3);
    }

    /** A proxy's page, broken JSON or JSON short of its contract: Lightcast's failure, retried as a 5xx, never kept. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
        "/titles/meta                          | text/html        | <html><body>Service OK</body></html> | a body of type text/html, not JSON",
        "/titles/meta                          | application/json | `{\"data\": {\"latestVersion\": \"5.4` | not valid JSON, or not of the shape its contract gives",
        "/titles/meta                          | application/json | `{\"data\": \"surprise\"}`        | not valid JSON, or not of the shape its contract gives",
        "/titles/meta                          | application/json | `{\"data\": null}`                 | no data",
        "/titles/meta                          | application/json | {}                                   | no data",
        "/titles/meta                          | application/json | ``                                   | no JSON body",
        "/titles/meta                          | application/json | `{\"data\": {\"attribution\": null}}` | no latestVersion",
        "/titles/versions/5.47/titles/ET809917E2FA1A3029 | application/json | `{\"data\": {\"name\": \"Registered Nurse\"}}` | a title without its id",
        "/titles/versions/5.47/titles?q=nurse  | application/json | `{\"data\": [null]}`               | a list item that is null",
    })
    void anAnswerItsContractDoesNotAllowIsRetriedThenABadGatewayThatSaysWhatIsWrong(String path, String type, String body, String fault) {
        given().get("/titles/versions/5.47").then().statusCode(200); // what a title's fetch asks first is known
        int before = emulator.apiCalls().size();
        emulator.answerNext(3, type, body);
        String endpoint = path.startsWith("/titles/meta") ? "/meta" : path.contains("?") ? "/titles" : "/titles/{id}";

        given().get(path).then().statusCode(502)
                .body("errors[0].status", equalTo(502))
                .body("errors[0].detail", equalTo("Lightcast answered " + endpoint + " with what the gateway cannot read (" + fault + ")."))
                .body(not(containsString("Exception")));
        assertThat(emulator.apiCalls().subList(before, emulator.apiCalls().size())).as("first attempt and two retries, each answered 200")
                .extracting(ReceivedRequest::status).containsExactly(200, 200, 200);

        given().get(path).then().statusCode(200);
        assertThat(emulator.apiCalls()).as("the broken answer was not kept: the next request asked again").hasSize(before + 4);
    }

    /**
     * An answer longer than any the contract gives (256 MB, a body that might as well never end) is cut off at
     * {@code LIGHTCAST_MAX_ANSWER_SIZE}, 16 MB, whether it declares its length or streams, rather than read whole
     * into the heap: the emulator could write little more than that before the gateway stopped reading (failed
     * before: each answer was read whole, and the title answered with a 256 MB name).
     */
    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void anAnswerLongerThanTheLimitIsCutOffNotRead(boolean chunked) {
        long limit = 16L << 20;
        long length = 256L << 20;
        String path = "/titles/versions/5.47/titles/ET809917E2FA1A3029";
        given().get("/titles/versions/5.47").then().statusCode(200); // what a title's fetch asks first is known
        int before = emulator.apiCalls().size();
        emulator.answerNextAtLength(3, length, chunked);

        given().get(path).then().statusCode(502)
                .body("errors[0].detail", equalTo("Lightcast answered /titles/{id} with what the gateway cannot read (longer than "
                        + limit + " bytes, the most the gateway reads: LIGHTCAST_MAX_ANSWER_SIZE)."));
        assertThat(emulator.apiCalls().subList(before, emulator.apiCalls().size())).as("first attempt and two retries, as any unreadable answer")
                .hasSize(3);
        assertThat(emulator.longAnswerBytesWritten()).as("written of three answers of 256 MB: the limit and what socket buffers hold, each")
                .isLessThan(3 * (limit + (16L << 20)));

        given().get(path).then().statusCode(200).body("data.name", equalTo("Registered Nurse"));
    }

    /**
     * A 200 that cannot be read, from an endpoint that costs normalize quota: Lightcast answered, so it
     * counted the call; asking again would spend the quota again, so the call is not retried (before:
     * three calls, three of a quota that may be 50 a year).
     */
    @ParameterizedTest
    @CsvSource({ "/titles/versions/5.47/normalize, senior data scientist", "/titles/versions/5.47/normalize/inspect, plumber" })
    void anUnreadableAnswerToACallThatCostsQuotaIsNotAskedForAgain(String path, String term) {
        given().get("/titles/versions/5.47").then().statusCode(200); // what a normalize asks first is known
        int before = emulator.apiCalls().size();
        emulator.answerNext(1, "text/html", "<html><body>Service OK</body></html>");

        given().contentType("application/json").body("{\"term\":\"" + term + "\"}").post(path).then().statusCode(502)
                .body("errors[0].detail", containsString("with what the gateway cannot read (a body of type text/html, not JSON)"));
        assertThat(emulator.apiCalls().subList(before, emulator.apiCalls().size())).as("one call, answered 200, not retried")
                .extracting(ReceivedRequest::status).containsExactly(200);

        given().contentType("application/json").body("{\"term\":\"" + term + "\"}").post(path).then().statusCode(200);
    }

    @Test
    void aBulkAnswerWhoseResultsAreNotForTheTermsSentIsABadGatewayAndNotKept() {
        String terms = "{\"terms\": [\"registered nurse\", \"line cook\"]}";
        given().get("/titles/versions/5.47").then().statusCode(200); // what a bulk call asks first is known
        int before = emulator.apiCalls().size();
        emulator.answerNext(1, "application/json", "{\"data\": [{\"term\": \"registered nurse\", \"confidence\": 1, \"jobLevels\": [],"
                + " \"title\": {\"id\": \"ET3B93055220D592C8\", \"name\": \"Data Scientist\"}}]}");

        given().contentType("application/json").body(terms).post("/titles/versions/5.47/normalize/bulk").then().statusCode(502)
                .body("errors[0].detail", equalTo("Lightcast answered /normalize/bulk with what the gateway cannot read "
                        + "(2 terms sent, 1 results received)."));

        emulator.answerNext(1, "application/json", "{\"data\": ["
                + "{\"term\": \"data scientist\", \"confidence\": 1, \"jobLevels\": [], \"title\": null},"
                + "{\"term\": \"data scientist\", \"confidence\": 1, \"jobLevels\": [], \"title\": null}]}");
        given().contentType("application/json").body(terms).post("/titles/versions/5.47/normalize/bulk").then().statusCode(502)
                .body("errors[0].detail", equalTo("Lightcast answered /normalize/bulk with what the gateway cannot read "
                        + "(result 1 is not for term 1 sent)."));
        assertThat(emulator.apiCalls().subList(before, emulator.apiCalls().size()))
                .as("each bulk call tried once: Lightcast answered it, so it counted it against the quota")
                .extracting(ReceivedRequest::status).containsExactly(200, 200);

        given().contentType("application/json").body(terms).post("/titles/versions/5.47/normalize/bulk").then().statusCode(200)
                .body("data.title.name", contains("Registered Nurse", "Line Cook"));
    }
}
