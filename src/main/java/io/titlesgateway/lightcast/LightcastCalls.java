package io.titlesgateway.lightcast;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The JSON bodies the gateway sends to Lightcast; options left {@code null} are not sent. */
final class LightcastCalls {

    private LightcastCalls() {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ByIds(List<String> ids, List<String> fields) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Normalize(String term, List<String> fields, Double confidenceThreshold) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Inspect(String term, List<String> fields, Double confidenceThreshold, Integer limit) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Bulk(List<String> terms, List<String> fields, Double confidenceThreshold) {
    }
}
