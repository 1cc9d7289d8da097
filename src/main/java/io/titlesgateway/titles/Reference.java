package io.titlesgateway.titles;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** An id and a name: a skill or an SOC occupation inside a title mapping. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Reference(String id, String name) {
}
