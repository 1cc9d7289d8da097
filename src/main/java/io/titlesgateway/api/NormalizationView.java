package io.titlesgateway.api;

import java.util.List;
import java.util.Map;

import io.titlesgateway.titles.Normalization;

/** A normalize or inspect result as the caller sees it: the title cut to the requested fields. */
public record NormalizationView(double confidence, List<String> jobLevels, Map<String, Object> title) {

    public static NormalizationView of(Normalization result, List<String> fields) {
        return new NormalizationView(result.confidence(), result.jobLevels(), TitleView.of(result.title(), fields));
    }
}
