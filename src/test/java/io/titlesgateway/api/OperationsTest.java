package io.titlesgateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.matchesPattern;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** What operators rely on: the API description lists the whole surface, and every request has an id its log lines carry. */
@QuarkusTest
class OperationsTest {

    private static final Map<String, List<String>> SURFACE = Map.ofEntries(
            Map.entry("/titles/status", List.of("get")),
            Map.entry("/titles/meta", List.of("get")),
            Map.entry("/titles/versions", List.of("get")),
            Map.entry("/titles/versions/{version}", List.of("get")),
            Map.entry("/titles/versions/{version}/changes", List.of("get")),
            Map.entry("/titles/versions/{version}/titles", List.of("get", "post")),
            Map.entry("/titles/versions/{version}/titles/{titleId}", List.of("get")),
            Map.entry("/titles/versions/{version}/normalize", List.of("post")),
            Map.entry("/titles/versions/{version}/normalize/inspect", List.of("post")),
            Map.entry("/titles/versions/{version}/normalize/bulk", List.of("post")),
            Map.entry("/titles/versions/{version}/normalize/stream", List.of("post")));

    private final List<ExtLogRecord> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            ExtLogRecord line = (ExtLogRecord) record;
            line.copyMdc(); // the logging context as it is now, on the thread that logs
            synchronized (logged) {
                logged.add(line);
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void captureLogs() {
        Logger.getLogger("io.titlesgateway").addHandler(capture);
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("io.titlesgateway").removeHandler(capture);
    }

    @Test
    void theApiDescriptionListsEveryEndpointWithSummariesAndSchemas() {
        JsonPath openapi = given().accept("application/json").get("/q/openapi?format=json").then().statusCode(200)
                .extract().jsonPath();
        Map<String, Map<String, Object>> paths = openapi.getMap("paths");

        SURFACE.forEach((path, methods) -> {
            assertThat(paths).as(path).containsKey(path);
            for (String method : methods) {
                assertThat(paths.get(path)).as("%s %s", method, path).containsKey(method);
                assertThat(openapi.getString("paths.'" + path + "'." + method + ".summary")).as("%s %s", method, path).isNotBlank();
            }
        });
        assertThat(openapi.getMap("components.schemas")).containsKeys("NormalizeRequest", "BulkRequest");
        assertThat(openapi.getString("components.schemas.NormalizeRequest.properties.term.example")).isEqualTo("Sr. RN - ICU nights");
        given().get("/q/swagger-ui/").then().statusCode(200);
    }

    @Test
    void everyAnswerCarriesARequestIdAndSoDoesEveryLineLoggedForIt() {
        given().header("X-Request-Id", "req-42").get("/titles/versions/bad..version/titles")
                .then().statusCode(400).header("X-Request-Id", "req-42");

        List<ExtLogRecord> lines;
        synchronized (logged) {
            lines = logged.stream().filter(record -> record.getLevel().intValue() <= Level.FINE.intValue()
                    && String.valueOf(record.getFormattedMessage()).startsWith("Answered 400")).toList();
        }
        assertThat(lines).isNotEmpty();
        assertThat(lines).allSatisfy(line -> assertThat(line.getMdc("requestId")).isEqualTo("req-42"));
    }

    @Test
    void aMissingOrImplausibleRequestIdIsReplacedWithANewOne() {
        String uuid = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
        given().get("/titles/versions").then().header("X-Request-Id", matchesPattern(uuid));
        given().header("X-Request-Id", "<script>" + "x".repeat(100)).get("/titles/versions")
                .then().header("X-Request-Id", matchesPattern(uuid));
        given().contentType("text/plain").body("chef").header("X-Request-Id", "stream-7")
                .post("/titles/versions/latest/normalize/stream").then().header("X-Request-Id", equalTo("stream-7"))
                .body(containsString("\"term\""));
    }

    @Test
    void noBannerNoCrossOriginAccessAndBoundedHeaders() {
        var answer = given().get("/titles/versions");
        assertThat(answer.header("Server")).isNull();
        assertThat(answer.header("X-Powered-By")).isNull();

        var preflight = given().header("Origin", "https://elsewhere.example").header("Access-Control-Request-Method", "POST")
                .options("/titles/versions/latest/normalize");
        assertThat(preflight.header("Access-Control-Allow-Origin")).as("CORS is off unless configured").isNull();

        given().header("X-Padding", "x".repeat(20 * 1024)).get("/titles/versions")
                .then().statusCode(431).body("errors[0].status", equalTo(431));
    }
}
