package io.titlesgateway.api;

import java.util.List;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.TitleFields;

/** The JSON body of {@code /normalize/bulk}: 1 to 500 terms of at most 1 kB each. */
public record BulkRequest(
        @NotNull @Size(min = 1, message = "must hold at least one term")
        @Size(max = InputLimits.MAX_BULK_TERMS, message = "must hold at most {max} terms", payload = Oversize.class)
        @Schema(example = "[\"Sr. RN - ICU nights\", \"software engineer\"]")
        List<@NotBlank @MaxUtf8Bytes(InputLimits.MAX_TERM_BYTES) String> terms,
        List<String> fields,
        @DecimalMin("0") @DecimalMax("1") Double confidenceThreshold) {

    BulkQuery toQuery() {
        return new BulkQuery(terms, TitleFields.select(fields),
                confidenceThreshold == null ? NormalizeQuery.DEFAULT_THRESHOLD : confidenceThreshold);
    }
}
