package io.titlesgateway.titles;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One title added, removed or altered in a taxonomy version (the upstream names it {@code title}). */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TitleChange(String id, String title) {
}
