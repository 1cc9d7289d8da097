package io.titlesgateway.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.TitleFields;

/** The JSON body of {@code /normalize/inspect}. */
public record InspectRequest(
        @Schema(required = true, minLength = 1, example = "senior data scientist") String term,
        List<String> fields,
        @Schema(minimum = "0", maximum = "1") Double confidenceThreshold,
        @Schema(minimum = "0", maximum = "100") Integer limit) {

    /** The query this body asks for, once its term, threshold and limit are checked. */
    NormalizeQuery toQuery() {
        new Violations().term("term", term)
                .between("confidenceThreshold", confidenceThreshold, 0, 1)
                .between("limit", limit, 0, InputLimits.MAX_INSPECT_LIMIT)
                .refuseAny();
        return new NormalizeQuery(term, TitleFields.select(fields),
                confidenceThreshold == null ? NormalizeQuery.DEFAULT_THRESHOLD : confidenceThreshold,
                limit == null ? NormalizeQuery.DEFAULT_INSPECT_LIMIT : limit);
    }
}
