package io.titlesgateway.lightcast;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.inject.Inject;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.emulator.ReceivedRequest;
import io.titlesgateway.support.EmulatedUpstreamTest;
import io.titlesgateway.support.EveryPartAtWork;
import io.titlesgateway.support.GatewayTokens;
import io.titlesgateway.support.RedisAvailable;

/**
 * Traces: a caller's request is one trace, continued from the caller's {@code traceparent} and sent
 * on to Lightcast, with a span for each thing it waited on (its admission, the cache, the budget,
 * the upstream call); single normalizations that rode in one bulk call are linked with that call's
 * trace, both ways. Read from the in-memory exporter the test profile installs.
 */
@QuarkusTest
@TestProfile(EveryPartAtWork.class)
@WithTestResource(LightcastEmulatorResource.class)
class TracesTest extends EmulatedUpstreamTest {

    private static final AttributeKey<String> CALLER = AttributeKey.stringKey("titles.caller");
    private static final AttributeKey<String> CACHE_STATE = AttributeKey.stringKey("titles.cache.state");

    @Inject
    InMemorySpanExporter exported;

    private String bearer;

    @BeforeEach
    void freshRecord() {
        RedisAvailable.orSkip();
        bearer = GatewayTokens.bearer(EveryPartAtWork.CALLER, EveryPartAtWork.SECRET);
        exported.reset();
        emulator.reset();
    }

    @Test
    void aRequestIsOneTraceFromTheCallerToLightcast() {
        String traceId = hex(32);
        String callerSpan = hex(16);
        given().header("Authorization", bearer).header("traceparent", "00-" + traceId + "-" + callerSpan + "-01")
                // a search no cache level has seen, Redis's included: a miss
                .get("/titles/versions/5.47/titles?q=nurse+" + ThreadLocalRandom.current().nextInt(1_000_000) + "&limit=3")
                .then().statusCode(200);

        SpanData server = awaitSpan(traceId, span -> span.getKind() == SpanKind.SERVER);
        assertThat(server.getParentSpanId()).as("continues the caller's trace").isEqualTo(callerSpan);
        assertThat(server.getAttributes().get(CALLER)).isEqualTo(EveryPartAtWork.CALLER);
        SpanData admission = awaitSpan(traceId, span -> span.getName().equals("titles.admission"));
        assertThat(admission.getParentSpanId()).isEqualTo(server.getSpanId());
        SpanData cache = awaitSpan(traceId, span -> span.getName().equals("titles.cache")
                && "MISS".equals(span.getAttributes().get(CACHE_STATE)));
        assertThat(cache.getParentSpanId()).isEqualTo(server.getSpanId());
        SpanData wait = awaitSpan(traceId, span -> span.getName().equals("lightcast.budget.wait"));
        assertThat(wait.getParentSpanId()).isEqualTo(cache.getSpanId());
        SpanData upstream = awaitSpan(traceId, TracesTest::isLightcastCall);
        assertThat(upstream.getParentSpanId()).as("the REST client's span, a child of the lookup, in %s", spansOf(traceId))
                .isEqualTo(cache.getSpanId());

        List<ReceivedRequest> searches = emulator.apiCalls("/titles/versions/5.47/titles");
        assertThat(searches).hasSize(1);
        assertThat(searches.get(0).traceparent()).as("the trace goes on to Lightcast").contains(traceId)
                .contains(upstream.getSpanId());
    }

    @Test
    void normalizationsThatRodeInOneBulkCallAreLinkedWithIt() throws InterruptedException {
        // Two misses share a bulk call when they come within its window (20 ms): on a busy machine one may come
        // later, so the pair is sent again, with new terms, until one call carries both.
        List<String> sent = List.of();
        for (int round = 0; round < 10 && emulator.apiCalls("/normalize/bulk").size() != 1; round++) {
            emulator.reset();
            sent = List.of(hex(32), hex(32));
            sendTogether(sent);
        }
        List<String> traces = sent;
        assertThat(emulator.apiCalls("/normalize/bulk")).as("one bulk call for both, in one of ten tries").hasSize(1);

        // the bulk call that carried these two (a span of an earlier test's call may end late)
        SpanData bulk = Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> exported.getFinishedSpanItems().stream().filter(span -> span.getName().equals("lightcast.normalize.bulk"))
                        .filter(span -> span.getLinks().stream().map(link -> link.getSpanContext().getTraceId()).toList()
                                .containsAll(traces))
                        .findFirst(),
                Optional::isPresent).orElseThrow();
        assertThat(bulk.getAttributes().get(AttributeKey.longKey("lightcast.bulk.terms"))).isEqualTo(2L);
        for (String trace : traces) {
            // a request's cache span may end a moment after its answer reached the caller
            SpanData asker = awaitSpan(trace, span -> span.getName().equals("titles.cache") && span.getLinks().stream()
                    .map(LinkData::getSpanContext).anyMatch(link -> link.getSpanId().equals(bulk.getSpanId())));
            assertThat(asker).as("the request of trace %s links to the bulk call", trace).isNotNull();
        }
        SpanData upstream = awaitSpan(bulk.getTraceId(), TracesTest::isLightcastCall);
        assertThat(emulator.apiCalls("/normalize/bulk").get(0).traceparent()).contains(bulk.getTraceId())
                .contains(upstream.getSpanId());
    }

    private void sendTogether(List<String> traces) throws InterruptedException {
        int round = ThreadLocalRandom.current().nextInt(1_000_000); // new to every cache level, Redis's too
        String[] terms = { "cashier " + round, "truck driver " + round };
        CountDownLatch ready = new CountDownLatch(terms.length);
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < terms.length; i++) {
            String traceparent = "00-" + traces.get(i) + "-" + hex(16) + "-01";
            String term = terms[i];
            Thread caller = new Thread(() -> {
                var request = given().header("Authorization", bearer).header("traceparent", traceparent)
                        .contentType("application/json").body("{\"term\":\"" + term + "\"}");
                ready.countDown();
                awaitQuietly(ready);
                request.post("/titles/versions/5.47/normalize").then().statusCode(200);
            });
            caller.start();
            callers.add(caller);
        }
        for (Thread caller : callers) {
            caller.join(30_000);
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SpanData awaitSpan(String traceId, java.util.function.Predicate<SpanData> which) {
        return Awaitility.await().atMost(Duration.ofSeconds(10)).until(
                () -> exported.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId)).filter(which)
                        .findFirst(),
                Optional::isPresent).orElseThrow();
    }

    @Test
    void theLogLinesOfATracedRequestCarryItsTraceId() {
        String traceId = hex(32);
        List<String> traceIds = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                if (record instanceof org.jboss.logmanager.ExtLogRecord logged && record.getLoggerName().startsWith("io.titlesgateway")
                        && String.valueOf(record.getMessage()).contains("Answered 400")) {
                    traceIds.add(String.valueOf(logged.getMdc("traceId")));
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        java.util.logging.Logger.getLogger("").addHandler(handler);
        try {
            given().header("Authorization", bearer).header("traceparent", "00-" + traceId + "-" + hex(16) + "-01")
                    .get("/titles/versions/5.47/titles?limit=many").then().statusCode(400);
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !traceIds.isEmpty());
            assertThat(traceIds).as("the traceId in the log line's MDC, so JSON logs carry it").containsOnly(traceId);
        } finally {
            java.util.logging.Logger.getLogger("").removeHandler(handler);
        }
    }

    /** The REST client's span of a call to Lightcast (Redis's commands are client spans too). */
    private static boolean isLightcastCall(SpanData span) {
        return span.getKind() == SpanKind.CLIENT && span.getName().matches("(GET|POST) /.*");
    }

    private String spansOf(String traceId) {
        return exported.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(traceId))
                .map(span -> span.getName() + "/" + span.getKind() + " " + span.getSpanId() + " <- " + span.getParentSpanId())
                .toList().toString();
    }

    private static String hex(int digits) {
        StringBuilder hex = new StringBuilder();
        while (hex.length() < digits) {
            hex.append(Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE));
        }
        return hex.substring(0, digits);
    }
}
