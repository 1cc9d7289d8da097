package io.titlesgateway.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import io.titlesgateway.titles.TitlesException;

/** Numbers in a query are read as written anywhere, not as Java alone would read them. */
class QueryOptionsTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = { "0.5 | 0.5", ".5 | 0.5", "1 | 1", "0 | 0", "1e-1 | 0.1", "5E-1 | 0.5", "+0.25 | 0.25",
            "' 0.75 ' | 0.75", "1. | 1" })
    void aThresholdWrittenAsADecimalIsRead(String written, double value) {
        assertThat(QueryOptions.confidenceThreshold(written)).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "0.5d", "0.5F", "0x1p-1", "NaN", "Infinity", "0,5", "1.5", "-0.1", "\u0660.\u0665", "", "." })
    void aThresholdWrittenOtherwiseIsRefused(String written) {
        assertThatThrownBy(() -> QueryOptions.confidenceThreshold(written)).isInstanceOf(TitlesException.class)
                .hasMessageContaining("confidenceThreshold must be a number from 0 to 1");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = { "5 | 5", "+5 | 5", "05 | 5", "' 7 ' | 7", "1000 | 1000" })
    void aWholeNumberWrittenInDigitsIsRead(String written, int value) {
        assertThat(QueryOptions.wholeNumber("limit", written, 1, 1000)).isEqualTo(value);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "5.0", "1e1", "\u0665", "0x10", "99999999999", "1001", "0", "", "five" })
    void aWholeNumberWrittenOtherwiseIsRefused(String written) {
        assertThatThrownBy(() -> QueryOptions.wholeNumber("limit", written, 1, 1000)).isInstanceOf(TitlesException.class)
                .hasMessageContaining("limit must be a whole number from 1 to 1000");
    }
}
