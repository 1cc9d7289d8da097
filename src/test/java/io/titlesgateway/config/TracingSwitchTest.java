package io.titlesgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Tracing stays off on a fresh machine and comes on with an OTLP endpoint, of either name. */
class TracingSwitchTest {

    @AfterEach
    void noEndpoint() {
        System.clearProperty("quarkus.otel.exporter.otlp.endpoint");
        System.clearProperty("quarkus.otel.exporter.otlp.traces.endpoint");
    }

    @Test
    void withoutAnEndpointTracingIsOff() {
        assertThat(System.getenv("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT")).as("this machine sets no endpoint").isNull();
        assertThat(new TracingSwitch().getValue("quarkus.otel.sdk.disabled")).isEqualTo("true");
    }

    @Test
    void anEndpointTurnsTracingOn() {
        System.setProperty("quarkus.otel.exporter.otlp.endpoint", "http://collector:4317");
        assertThat(new TracingSwitch().getValue("quarkus.otel.sdk.disabled")).isEqualTo("false");
        System.clearProperty("quarkus.otel.exporter.otlp.endpoint");
        System.setProperty("quarkus.otel.exporter.otlp.traces.endpoint", "http://collector:4318");
        assertThat(new TracingSwitch().getValue("quarkus.otel.sdk.disabled")).isEqualTo("false");
    }

    @Test
    void itSaysNothingOfOtherSettings() {
        assertThat(new TracingSwitch().getValue("quarkus.http.port")).isNull();
        assertThat(new TracingSwitch().getOrdinal()).as("below application.properties, where a profile decides").isLessThan(250);
    }
}
