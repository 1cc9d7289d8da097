package io.titlesgateway.api;

import java.util.List;

import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON body of {@code POST /versions/{version}/titles}: the ids to fetch and the fields to return. */
public record TitlesByIdRequest(
        @NotNull @Size(min = 1, message = "must hold at least one id")
        @Size(max = InputLimits.MAX_IDS, message = "must hold at most {max} ids", payload = Oversize.class)
        @Schema(example = "[\"ET3B93055220D592C8\"]")
        List<@NotNull @Pattern(regexp = InputLimits.TITLE_ID_PATTERN, message = InputLimits.TITLE_ID_MESSAGE) String> ids,
        List<String> fields) {
}
