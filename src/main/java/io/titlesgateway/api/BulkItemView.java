package io.titlesgateway.api;

import java.util.List;
import java.util.Map;

import io.quarkus.runtime.annotations.RegisterForReflection;
import io.titlesgateway.titles.BulkNormalization;

/** A bulk result item as the caller sees it: the term echoed, the title cut to the requested fields. */
@RegisterForReflection
public record BulkItemView(double confidence, String term, List<String> jobLevels, Map<String, Object> title) {

    public static BulkItemView of(BulkNormalization result, List<String> fields) {
        return new BulkItemView(result.confidence(), result.term(), result.jobLevels(),
                TitleView.of(result.title(), fields));
    }
}
