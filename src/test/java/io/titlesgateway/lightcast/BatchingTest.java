package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.Callers;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.Terms;

/**
 * With bulk access, single normalize misses arriving together go out as one bulk call per 500
 * distinct terms, and each caller gets its own answer.
 */
@QuarkusTest
@TestProfile(BatchingTest.BulkWithAWideWindow.class)
@WithTestResource(LightcastEmulatorResource.class)
class BatchingTest extends EmulatedUpstreamTest {

    /** A window wide enough that every caller of a test arrives within it, however loaded the machine. */
    public static class BulkWithAWideWindow implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("lightcast.bulk.enabled", "true", "lightcast.bulk.window", "1500MS");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NORMALIZE = "/titles/versions/5.47/normalize";

    @Test
    void concurrentSingleMissesGoOutAsOneBulkCallPer500Terms() throws Exception {
        int callers = 600;
        List<String> terms = Terms.distinct(callers);
        List<HttpResponse<String>> answers = Callers.postJson(callers, NORMALIZE, i -> "{\"term\":\"" + terms.get(i) + "\"}");

        assertThat(emulator.apiCalls("/normalize")).as("no single calls").isEmpty();
        List<List<String>> bodies = emulator.bulkTerms();
        assertThat(bodies).as("⌈600 / 500⌉ bulk calls").hasSize(2);
        assertThat(bodies).allSatisfy(call -> assertThat(call).hasSizeLessThanOrEqualTo(500));
        assertThat(bodies.stream().mapToInt(List::size).sum()).isEqualTo(callers);
        for (int i = 0; i < callers; i++) {
            HttpResponse<String> answer = answers.get(i);
            assertThat(answer.statusCode()).isIn(200, 404);
            if (answer.statusCode() == 200) {
                assertThat(JSON.readTree(answer.body()).at("/data/title/name").asText().toLowerCase())
                        .as("the answer for %s", terms.get(i)).contains(Terms.title(i).split(" ")[0]);
            }
        }
    }

    @Test
    void eachCallerGetsTheAnswerASingleCallWouldHaveGiven() throws Exception {
        List<String> terms = List.of("data scientist", "sr. data scientist", "zzzz qqqq", "registered nurse");
        List<HttpResponse<String>> batched = Callers.postJson(terms.size(), NORMALIZE, i -> "{\"term\":\"" + terms.get(i) + "\"}");
        assertThat(emulator.apiCalls("/normalize/bulk")).hasSize(1);

        emulator.reset();
        emulator.ratePerSecond(1000);
        for (int i = 0; i < terms.size(); i++) {
            var direct = emulator.postDirectly("/versions/5.47/normalize", "{\"term\":\"" + terms.get(i) + "\"}");
            assertThat(batched.get(i).statusCode()).isEqualTo(direct.statusCode());
            if (direct.statusCode() == 200) {
                assertThat(JSON.readTree(batched.get(i).body())).isEqualTo(JSON.readTree(direct.body()));
            }
        }
    }

    @Test
    void duplicatesWithinAWindowAreSentOnce() throws Exception {
        List<HttpResponse<String>> answers = Callers.postJson(40, NORMALIZE,
                i -> "{\"term\":\"" + (i % 2 == 0 ? "Chef" : " chef ") + "\"}");

        assertThat(answers).allSatisfy(answer -> assertThat(answer.statusCode()).isEqualTo(200));
        List<List<String>> bodies = emulator.bulkTerms();
        assertThat(bodies).hasSize(1);
        assertThat(bodies.get(0)).singleElement().satisfies(term -> assertThat(term.strip()).isEqualToIgnoringCase("chef"));
    }

    @Test
    void aLoneMissIsABulkCallOfOne() throws Exception {
        given().contentType("application/json").body("{\"term\":\"plumber\"}").post(NORMALIZE)
                .then().statusCode(200).body("data.title.name", org.hamcrest.Matchers.equalTo("Plumber"));

        assertThat(emulator.bulkTerms()).containsExactly(List.of("plumber"));
        assertThat(emulator.apiCalls("/normalize")).isEmpty();
    }

    @Test
    void inspectIsNotBatchable() {
        given().contentType("application/json").body("{\"term\":\"plumber\"}").post(NORMALIZE + "/inspect")
                .then().statusCode(200);

        assertThat(emulator.apiCalls("/normalize/inspect")).hasSize(1);
        assertThat(emulator.apiCalls("/normalize/bulk")).isEmpty();
    }

    @Test
    void aFailedBulkCallFailsEveryWaiterAndIsNotKept() throws Exception {
        given().get("/titles/versions/5.47").then().statusCode(200); // so that the failures fall on the bulk call
        emulator.failNext(3, 503);
        List<HttpResponse<String>> failed = Callers.postJson(2, NORMALIZE, i -> "{\"term\":\"" + Terms.title(i) + "\"}");

        assertThat(failed).allSatisfy(answer -> {
            assertThat(answer.statusCode()).isEqualTo(502);
            assertThat(answer.body()).contains("\"errors\"");
        });
        assertThat(emulator.apiCalls("/normalize/bulk")).hasSize(3);

        given().contentType("application/json").body("{\"term\":\"" + Terms.title(0) + "\"}").post(NORMALIZE).then().statusCode(200);
    }
}
