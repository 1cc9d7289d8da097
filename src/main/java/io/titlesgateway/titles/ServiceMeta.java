package io.titlesgateway.titles;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The newest taxonomy version and the attribution text that goes with the data. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ServiceMeta(Attribution attribution, String latestVersion) {

    /** The attribution a caller shows next to the titles. */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record Attribution(String title, String body) {
    }
}
