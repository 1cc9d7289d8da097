package io.titlesgateway.titles;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** What a taxonomy version added, removed and altered. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VersionChanges(List<TitleChange> additions, List<TitleChange> removals, List<TitleChange> alterations) {
}
