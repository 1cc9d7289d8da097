package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.CallersWithShares;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.GatewayTokens;

/**
 * Callers contending for Lightcast's 5 requests/s share it by weight: one that floods the gateway
 * cannot starve another. Asserted on what the emulator received.
 */
@QuarkusTest
@TestProfile(CallersWithShares.class)
@WithTestResource(LightcastEmulatorResource.class)
class FairShareTest extends EmulatedUpstreamTest {

    private static final String SECRET = CallersWithShares.SECRET;

    private static List<CompletableFuture<HttpResponse<String>>> normalize(String authorization, List<String> terms) {
        return Callers.sendAsync(terms.stream().map(term -> Callers.postJsonRequest("/titles/versions/5.47/normalize",
                "{\"term\":\"" + term + "\"}", authorization)).toList());
    }

    /** Version lookups cached, the budget left to refill: the test starts with a full second at Lightcast's real rate. */
    @BeforeEach
    void lightcastAtItsRealLimit() throws InterruptedException {
        given().header("Authorization", GatewayTokens.bearer("steady", SECRET)).get("/titles/versions/5.47").then().statusCode(200);
        Thread.sleep(1_200);
        emulator.reset();
        emulator.ratePerSecond(5);
    }

    @Test
    void aCallerThatFloodsCannotStarveAnother() throws Exception {
        String flooder = GatewayTokens.bearer("flooder", SECRET);
        String steady = GatewayTokens.bearer("steady", SECRET);

        var flood = normalize(flooder, IntStream.range(0, 40).mapToObj(i -> "chef flood " + i).toList());
        Thread.sleep(300);
        var fair = normalize(steady, IntStream.range(0, 4).mapToObj(i -> "plumber steady " + i).toList());
        CompletableFuture.allOf(fair.toArray(CompletableFuture[]::new)).join();
        CompletableFuture.allOf(flood.toArray(CompletableFuture[]::new)).join();

        assertThat(fair).as("the steady caller's requests, all answered although the flood came first")
                .allSatisfy(answer -> assertThat(answer.join().statusCode()).isEqualTo(200));
        List<ReceivedRequest> calls = emulator.apiCalls("/normalize");
        List<Boolean> steadyCalls = calls.stream().map(call -> call.body().contains("steady")).toList();
        int first = steadyCalls.indexOf(true);
        int last = steadyCalls.lastIndexOf(true);
        long steadyInBetween = steadyCalls.subList(first, last + 1).stream().filter(Boolean::booleanValue).count();
        assertThat(steadyInBetween).isEqualTo(4);
        assertThat((double) steadyInBetween / (last - first + 1)).as("the steady caller's share of the calls while it waited")
                .isGreaterThanOrEqualTo(0.4);
        assertThat(emulator.peakCallsPerSecond()).isLessThanOrEqualTo(5);
        assertThat(calls).noneSatisfy(call -> assertThat(call.status()).isEqualTo(429));
    }
}
