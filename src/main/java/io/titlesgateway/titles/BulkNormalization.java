package io.titlesgateway.titles;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * One item of a bulk normalization: the raw term echoed back and what it resolved to. {@code title}
 * is {@code null} when nothing reached the confidence threshold.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record BulkNormalization(String term, double confidence, List<String> jobLevels, Title title) {

    /** The item as a normalization, or {@code null} when it holds no title. */
    public Normalization asNormalization() {
        return title == null ? null : new Normalization(confidence, jobLevels, title);
    }
}
