package io.titlesgateway.config;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Which backend answers the Titles surface. */
@ConfigMapping(prefix = "titles")
public interface TitlesConfig {

    /** {@code auto}: Lightcast when its credentials are set, else the embedded catalog ({@code TITLES_BACKEND}). */
    @WithDefault("auto")
    Backend backend();

    /** {@code catalog}: normalize requests Lightcast cannot answer are answered by the catalog ({@code TITLES_FALLBACK}). */
    @WithDefault("none")
    Fallback fallback();

    /** How long the first line of a partly filled stream chunk waits for more lines before the chunk is answered ({@code TITLES_STREAM_WINDOW}). */
    @WithDefault("20MS")
    Duration streamWindow();

    /** Streams answered at once; one more is refused with 503 and Retry-After ({@code TITLES_STREAM_MAX_CONCURRENT}). */
    @WithDefault("32")
    int streamMaxConcurrent();

    /** How often, at most, readiness asks Lightcast's {@code /status}, so probes never spend the budget ({@code TITLES_READINESS_INTERVAL}). */
    @WithDefault("15S")
    Duration readinessInterval();

    enum Backend {
        AUTO,
        LIGHTCAST,
        CATALOG
    }

    enum Fallback {
        NONE,
        CATALOG
    }
}
