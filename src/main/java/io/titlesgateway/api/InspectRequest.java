package io.titlesgateway.api;

import java.util.List;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.TitleFields;

/** The JSON body of {@code /normalize/inspect}. */
public record InspectRequest(
        @NotBlank @MaxUtf8Bytes(InputLimits.MAX_TERM_BYTES) @Schema(example = "senior data scientist") String term,
        List<String> fields,
        @DecimalMin("0") @DecimalMax("1") Double confidenceThreshold,
        @Min(0) @Max(InputLimits.MAX_INSPECT_LIMIT) Integer limit) {

    NormalizeQuery toQuery() {
        return new NormalizeQuery(term, TitleFields.select(fields),
                confidenceThreshold == null ? NormalizeQuery.DEFAULT_THRESHOLD : confidenceThreshold,
                limit == null ? NormalizeQuery.DEFAULT_INSPECT_LIMIT : limit);
    }
}
