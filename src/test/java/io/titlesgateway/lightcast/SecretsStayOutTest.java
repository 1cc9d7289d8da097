package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.EmulatedUpstreamTest;

/** The client secret and the bearer tokens never reach a log line or a response, even at DEBUG. */
@QuarkusTest
@WithTestResource(LightcastEmulatorResource.class)
class SecretsStayOutTest extends EmulatedUpstreamTest {

    private final List<String> logged = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            StringBuilder line = new StringBuilder(String.valueOf(record.getMessage()));
            if (record.getParameters() != null) {
                for (Object parameter : record.getParameters()) {
                    line.append(' ').append(parameter);
                }
            }
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                line.append(' ').append(trace);
            }
            synchronized (logged) {
                logged.add(line.toString());
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private final List<Logger> verbose = List.of(Logger.getLogger("io.quarkus.oidc"), Logger.getLogger("io.titlesgateway"),
            Logger.getLogger("io.quarkus.rest.client"), Logger.getLogger("org.jboss.resteasy.reactive.client"));

    @BeforeEach
    void captureEverything() {
        capture.setLevel(Level.ALL);
        Logger.getLogger("").addHandler(capture);
        verbose.forEach(logger -> logger.setLevel(Level.FINEST));
    }

    @AfterEach
    void stopCapturing() {
        Logger.getLogger("").removeHandler(capture);
        verbose.forEach(logger -> logger.setLevel(null));
    }

    @Test
    void neitherSecretNorTokensAreLoggedOrAnswered() {
        List<String> answers = new ArrayList<>();
        emulator.revokeTokens();
        answers.add(given().get("/titles/meta").then().statusCode(200).extract().asString());
        emulator.failNext(2, 401);
        answers.add(given().get("/titles/versions").then().statusCode(502).extract().asString());
        emulator.rotateSecret("rotated-elsewhere");
        emulator.revokeTokens();
        answers.add(given().get("/titles/versions/5.47/changes").then().statusCode(502).extract().asString());
        emulator.reset();
        emulator.ratePerSecond(1000);
        emulator.tokenEndpointDown(true);
        emulator.revokeTokens();
        answers.add(given().get("/titles/versions/5.46/changes").then().statusCode(502).extract().asString());
        emulator.tokenEndpointDown(false);
        answers.add(given().get("/titles/status").then().statusCode(200).extract().asString());

        List<String> tokens = emulator.received().stream().map(ReceivedRequest::bearer).filter(Objects::nonNull)
                .distinct().toList();
        assertThat(tokens).as("tokens the gateway used").isNotEmpty();
        List<String> secrets = new ArrayList<>(tokens);
        secrets.add(emulator.clientSecret());

        synchronized (logged) {
            assertThat(logged).as("captured log lines").isNotEmpty();
            for (String secret : secrets) {
                assertThat(logged).noneMatch(line -> line.contains(secret));
            }
        }
        for (String secret : secrets) {
            assertThat(answers).noneMatch(answer -> answer.contains(secret));
        }
    }
}
