package io.titlesgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The stream's route reads its path by hand; only its own path's shape is taken, any other goes on. */
class StreamPathTest {

    @Test
    void theVersionIsReadFromAStreamsPath() {
        assertThat(NormalizeStream.versionIn("/titles/versions/5.47/normalize/stream")).isEqualTo("5.47");
        assertThat(NormalizeStream.versionIn("/titles/versions/latest/normalize/stream")).isEqualTo("latest");
        assertThat(NormalizeStream.versionIn("/titles/versions/not..valid/normalize/stream"))
                .as("one segment, checked later like every version").isEqualTo("not..valid");
    }

    @Test
    void otherPathsAreNotStreams() {
        for (String path : new String[] {"/titles/versions/5.47/normalize", "/titles/versions//normalize/stream",
                "/titles/versions/5.47/x/normalize/stream", "/titles/versions/5.47/normalize/streams",
                "/titles/versions/5.47/normalize/bulk", "/titles/versions/normalize/stream", "/other/versions/5.47/normalize/stream"}) {
            assertThat(NormalizeStream.versionIn(path)).as(path).isNull();
        }
    }
}
