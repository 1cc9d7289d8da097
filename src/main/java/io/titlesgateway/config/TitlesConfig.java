package io.titlesgateway.config;

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
