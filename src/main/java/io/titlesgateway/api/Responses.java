package io.titlesgateway.api;

import java.util.function.BiConsumer;
import java.util.function.Function;

import jakarta.ws.rs.core.MediaType;

import org.jboss.resteasy.reactive.RestResponse;

import io.titlesgateway.titles.Answer;
import io.titlesgateway.titles.Source;

/** Builds data responses: the envelope plus the provenance and quota headers every data answer carries. */
final class Responses {

    static final String SOURCE_HEADER = "X-Titles-Source";
    static final String CACHE_HEADER = "X-Cache";

    private Responses() {
    }

    static <T> RestResponse<DataEnvelope<T>> ok(Answer<T> answer) {
        return ok(answer, Function.identity());
    }

    static <T, V> RestResponse<DataEnvelope<V>> ok(Answer<T> answer, Function<T, V> view) {
        var response = RestResponse.ResponseBuilder.ok(new DataEnvelope<>(view.apply(answer.data())), MediaType.APPLICATION_JSON_TYPE);
        headers(answer, response::header);
        return response.build();
    }

    /** The provenance and quota headers of an answer, each given to {@code header}: the same whichever layer sends it. */
    static void headers(Answer<?> answer, BiConsumer<String, String> header) {
        header.accept(SOURCE_HEADER, answer.source().headerValue());
        if (answer.source() == Source.LIGHTCAST) {
            header.accept(CACHE_HEADER, answer.cache().name()); // the catalog has no cache to speak of
        }
        if (answer.quota().remaining() != null) {
            header.accept("RateLimit-Remaining", String.valueOf(answer.quota().remaining()));
        }
        if (answer.quota().reset() != null) {
            header.accept("RateLimit-Reset", String.valueOf(answer.quota().reset()));
        }
    }
}
