package io.titlesgateway.titles;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** A raw title resolved to a standardized title, with the confidence of the match. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Normalization(double confidence, List<String> jobLevels, Title title) {
}
