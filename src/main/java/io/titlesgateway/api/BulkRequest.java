package io.titlesgateway.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.TitleFields;

/** The JSON body of {@code /normalize/bulk}: 1 to 500 terms of at most 1 kB each. */
public record BulkRequest(
        @Schema(required = true, minItems = 1, maxItems = InputLimits.MAX_BULK_TERMS,
                example = "[\"Sr. RN - ICU nights\", \"software engineer\"]")
        List<String> terms,
        List<String> fields,
        @Schema(minimum = "0", maximum = "1") Double confidenceThreshold) {

    /** The query this body asks for, once its terms and threshold are checked. */
    BulkQuery toQuery() {
        Violations violations = new Violations().list("terms", terms, InputLimits.MAX_BULK_TERMS, "term")
                .between("confidenceThreshold", confidenceThreshold, 0, 1);
        if (terms != null) {
            // past the most a bulk holds its terms are not read, and the list's own 413 says so: checking them
            // would answer a body of blank terms with an item each, many times the body's size
            for (int i = 0; i < Math.min(terms.size(), InputLimits.MAX_BULK_TERMS); i++) {
                violations.term("terms[" + i + "]", terms.get(i));
            }
        }
        violations.refuseAny();
        return new BulkQuery(terms, TitleFields.select(fields),
                confidenceThreshold == null ? NormalizeQuery.DEFAULT_THRESHOLD : confidenceThreshold);
    }
}
