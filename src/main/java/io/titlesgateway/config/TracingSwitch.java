package io.titlesgateway.config;

import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Tracing is off unless an OTLP endpoint is configured: a fresh machine exports nothing and logs no
 * exporter errors, and setting {@code QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT} (or its traces-only
 * form) is all it takes to turn it on. Below {@code application.properties} in ordinal, so a
 * profile there, or {@code QUARKUS_OTEL_SDK_DISABLED}, still decides.
 */
public class TracingSwitch implements ConfigSource {

    static final String DISABLED = "quarkus.otel.sdk.disabled";
    private static final List<String> ENDPOINTS = List.of("quarkus.otel.exporter.otlp.endpoint",
            "quarkus.otel.exporter.otlp.traces.endpoint");

    @Override
    public Set<String> getPropertyNames() {
        return Set.of(DISABLED);
    }

    @Override
    public String getValue(String propertyName) {
        return DISABLED.equals(propertyName) ? String.valueOf(!endpointConfigured()) : null;
    }

    @Override
    public String getName() {
        return "titles-gateway tracing switch";
    }

    @Override
    public int getOrdinal() {
        return 200;
    }

    private static boolean endpointConfigured() {
        for (String property : ENDPOINTS) {
            String env = System.getenv(property.toUpperCase(java.util.Locale.ROOT).replace('.', '_').replace('-', '_'));
            String sys = System.getProperty(property);
            if ((env != null && !env.isBlank()) || (sys != null && !sys.isBlank())) {
                return true;
            }
        }
        return false;
    }
}
