package io.titlesgateway.titles;

import java.util.Locale;

/** Which backend produced an answer; sent to callers as {@code X-Titles-Source}. */
public enum Source {
    LIGHTCAST,
    CATALOG;

    public String headerValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
