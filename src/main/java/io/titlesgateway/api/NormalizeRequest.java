package io.titlesgateway.api;

import java.util.List;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.TitleFields;

/** The JSON body of {@code /normalize}; unknown keys are refused, as upstream. */
public record NormalizeRequest(
        @NotBlank @MaxUtf8Bytes(InputLimits.MAX_TERM_BYTES) @Schema(example = "Sr. RN - ICU nights") String term,
        @Schema(example = "[\"id\", \"name\", \"mapping\"]") List<String> fields,
        @DecimalMin("0") @DecimalMax("1") @Schema(example = "0.5") Double confidenceThreshold) {

    NormalizeQuery toQuery() {
        return new NormalizeQuery(term, TitleFields.select(fields),
                confidenceThreshold == null ? NormalizeQuery.DEFAULT_THRESHOLD : confidenceThreshold,
                NormalizeQuery.DEFAULT_INSPECT_LIMIT);
    }
}
