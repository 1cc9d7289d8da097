package io.titlesgateway.api;

import java.util.Set;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;

/**
 * Tags each request in the HTTP server metrics with one of HTTP's own methods (RFC 9110), or
 * {@code UNKNOWN}: the HTTP layer takes any token for a method and the gateway answers it (405),
 * and the metrics had tagged each with the method as sent, so a caller writing made-up methods grew
 * the series without bound, as with paths ({@link EndpointNames}).
 */
@Singleton
public class MethodNames {

    private static final String SERVER_REQUESTS = "http.server.requests";
    private static final String METHOD = "method";
    private static final Set<String> HTTP_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH");
    private static final Tag UNKNOWN = Tag.of(METHOD, "UNKNOWN");

    @Produces
    @Singleton
    MeterFilter knownMethodsOnly() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                if (!SERVER_REQUESTS.equals(id.getName())) {
                    return id;
                }
                String method = id.getTag(METHOD);
                return method == null || HTTP_METHODS.contains(method) ? id : id.replaceTags(Tags.of(id.getTagsAsIterable()).and(UNKNOWN));
            }
        };
    }
}
