package io.titlesgateway.titles;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** Whether a backend says it is healthy, with its own message. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ServiceStatus(String message, boolean healthy) {
}
