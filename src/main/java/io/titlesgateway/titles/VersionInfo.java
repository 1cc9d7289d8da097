package io.titlesgateway.titles;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/** Metadata of one taxonomy version: the title fields it offers and how many titles it holds. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VersionInfo(
        String version,
        List<String> fields,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, List<String>> mappingVersions,
        long titleCount,
        long removedTitleCount) {
}
