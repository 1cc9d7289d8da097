package io.titlesgateway.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EndpointNamesTest {

    @ParameterizedTest
    @CsvSource(nullValues = "none", value = {
            "/titles/versions/5.47, /titles/versions/{version}",
            "/titles/versions/latest/, /titles/versions/{version}",
            "/titles/versions/5.47/normalize, /titles/versions/{version}/normalize",
            "/titles/versions/anything9/normalize/, /titles/versions/{version}/normalize",
            "/titles/versions/5.47/normalize/bulk, /titles/versions/{version}/normalize/bulk",
            "/titles/versions/5.47/normalize/inspect, /titles/versions/{version}/normalize/inspect",
            "/titles/versions/5.47/normalize/stream, /titles/versions/{version}/normalize/stream",
            "/titles/versions/5.47/titles, /titles/versions/{version}/titles",
            "/titles/versions/5.47/titles/, /titles/versions/{version}/titles",
            "/titles/versions/5.47/titles/ET6850661D6AE5FA86, /titles/versions/{version}/titles/{titleId}",
            "/titles/versions/5.47/titles/ET6850661D6AE5FA86/, /titles/versions/{version}/titles/{titleId}",
            "/titles/versions/5.47/changes, /titles/versions/{version}/changes",
            "/titles/versions/, none",
            "/titles/versions//normalize, none",
            "/titles/versions/5.47//, none",
            "/titles/versions/5.47/normalizer, none",
            "/titles/versions/5.47/normalize/bulk/more, none",
            "/titles/versions/5.47/titles/ET1/skills, none",
            "/titles/versions/5.47/x, none",
            "/titles/meta, none",
            "/q/metrics, none" })
    void aPathIsNamedByItsEndpointsTemplateAndAPathOfNoEndpointIsNot(String path, String template) {
        assertThat(EndpointNames.templateOf(path)).isEqualTo(template);
    }
}
