package io.titlesgateway.api;

import java.util.List;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The JSON body of {@code POST /versions/{version}/titles}: the ids to fetch and the fields to return. */
public record TitlesByIdRequest(
        @Schema(required = true, minItems = 1, maxItems = InputLimits.MAX_IDS, example = "[\"ET3B93055220D592C8\"]")
        List<String> ids,
        List<String> fields) {

    /** This body, once its ids are checked. */
    TitlesByIdRequest checked() {
        Violations violations = new Violations().list("ids", ids, InputLimits.MAX_IDS, "id");
        if (ids != null) {
            // as with a bulk's terms: the ids past the most are not read, so not listed one by one
            for (int i = 0; i < Math.min(ids.size(), InputLimits.MAX_IDS); i++) {
                String id = ids.get(i);
                if (id == null) {
                    violations.add("ids[" + i + "]", "must not be null");
                } else if (!InputLimits.isTitleId(id)) {
                    violations.add("ids[" + i + "]", InputLimits.TITLE_ID_MESSAGE);
                }
            }
        }
        violations.refuseAny();
        return this;
    }
}
