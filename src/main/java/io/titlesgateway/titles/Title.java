package io.titlesgateway.titles;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A standardized title with every property a backend may know. Which properties a caller sees is
 * decided by {@link TitleFields}; a property the backend did not send is {@code null}.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Title(
        String id,
        String name,
        String pluralName,
        @JsonProperty("isSupervisor") Boolean isSupervisor,
        String levelBand,
        String infoUrl,
        TitleMapping mapping,
        String removedVersion,
        String addedVersion) {
}
