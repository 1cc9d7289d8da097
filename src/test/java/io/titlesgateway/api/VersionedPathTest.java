package io.titlesgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The hit route and the stream read paths under {@code /titles/versions/} with one reader. */
class VersionedPathTest {

    @Test
    void aPathIsCutIntoItsVersionAndTheRest() {
        assertThat(VersionedPath.of("/titles/versions/5.47/titles/ET3B93055220D592C8"))
                .isEqualTo(new VersionedPath("5.47", "/titles/ET3B93055220D592C8"));
        assertThat(VersionedPath.of("/titles/versions/latest/normalize")).isEqualTo(new VersionedPath("latest", "/normalize"));
        assertThat(VersionedPath.of("/titles/versions/5.47/")).isEqualTo(new VersionedPath("5.47", "/"));
    }

    @Test
    void aPathWithNoVersionOrNothingAfterItIsNotOne() {
        for (String path : new String[] {null, "", "/titles/versions/", "/titles/versions/5.47", "/titles/versions//titles",
                "/titles/versions", "/other/versions/5.47/titles", "/titles/version/5.47/titles"}) {
            assertThat(VersionedPath.of(path)).as(String.valueOf(path)).isNull();
        }
    }
}
