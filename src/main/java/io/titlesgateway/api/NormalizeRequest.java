package io.titlesgateway.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.TitleFields;

/** The JSON body of {@code /normalize}; unknown keys are refused, as upstream. */
public record NormalizeRequest(
        @Schema(required = true, minLength = 1, example = "Sr. RN - ICU nights") String term,
        @Schema(example = "[\"id\", \"name\", \"mapping\"]") List<String> fields,
        @Schema(minimum = "0", maximum = "1", example = "0.5") Double confidenceThreshold) {

    /** The query this body asks for, once its term and threshold are checked. */
    NormalizeQuery toQuery() {
        new Violations().term("term", term).between("confidenceThreshold", confidenceThreshold, 0, 1).refuseAny();
        return new NormalizeQuery(term, TitleFields.select(fields),
                confidenceThreshold == null ? NormalizeQuery.DEFAULT_THRESHOLD : confidenceThreshold,
                NormalizeQuery.DEFAULT_INSPECT_LIMIT);
    }
}
