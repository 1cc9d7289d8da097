package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;


import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.CallersWithShares;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.GatewayTokens;
import io.titlesgateway.support.Metrics;

/**
 * A caller with a share of the normalize quota ({@code quotaPerMonth}) is refused once it has
 * spent it, before anything goes to Lightcast; other callers are not, and what it was answered
 * before is still served. Each caller's use shows in the metrics.
 */
@QuarkusTest
@TestProfile(CallersWithShares.class)
@WithTestResource(LightcastEmulatorResource.class)
class CallerQuotaShareTest extends EmulatedUpstreamTest {

    private static final String SECRET = CallersWithShares.SECRET;

    private static io.restassured.response.ValidatableResponse normalize(String caller, String term) {
        return given().header("Authorization", GatewayTokens.bearer(caller, SECRET)).contentType("application/json")
                .body("{\"term\":\"" + term + "\"}").post("/titles/versions/5.47/normalize").then();
    }

    /** A call whose answer could not be read counts too: Lightcast answered it, and counted it (before: it did not). */
    @Test
    void aCallerPastItsShareIsRefusedWithoutSpendingQuota() {
        given().header("Authorization", GatewayTokens.bearer("quiet", SECRET)).get("/titles/versions/5.47").then().statusCode(200);
        emulator.answerNext(1, "text/html", "<html><body>Service OK</body></html>");
        normalize("noisy", "cook").statusCode(502);
        normalize("noisy", "plumber").statusCode(200);
        int before = emulator.apiCalls("/normalize").size();

        String retryAfter = normalize("noisy", "welder").statusCode(429)
                .body("errors[0].detail", containsString("share of the Lightcast normalize quota (2 calls a month)"))
                .extract().header("Retry-After");
        given().header("Authorization", GatewayTokens.bearer("noisy", SECRET)).contentType("application/json")
                .body("{\"term\":\"nurse\",\"limit\":2}").post("/titles/versions/5.47/normalize/inspect").then().statusCode(429);

        assertThat(Long.parseLong(retryAfter)).isPositive();
        assertThat(emulator.apiCalls("/normalize")).as("the refused caller's misses made no call").hasSize(before);
        assertThat(emulator.apiCalls("/normalize/inspect")).isEmpty();
        normalize("noisy", "plumber").statusCode(200); // fetched before: served
        normalize("quiet", "registered nurse").statusCode(200);
        assertThat(emulator.apiCalls("/normalize")).hasSize(before + 1);

        assertThat(Metrics.value("titles_caller_quota_used", "caller=\"noisy\"")).isGreaterThanOrEqualTo(2.0);
        assertThat(Metrics.value("titles_caller_quota_limit", "caller=\"noisy\"")).isEqualTo(2.0);
        assertThat(Metrics.value("titles_caller_upstream_normalize_calls_total", "caller=\"quiet\"")).isGreaterThanOrEqualTo(1.0);
    }
}
