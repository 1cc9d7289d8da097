package io.titlesgateway.api;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.titlesgateway.titles.Normalization;

/** A normalize or inspect result as the caller sees it: the title cut to the requested fields. */
public record NormalizationView(double confidence, List<String> jobLevels, Map<String, Object> title) {

    /** Per cached match (the very object the cache holds), its normalize answer's bytes per field selection. */
    private static final KeptPerSelection<Normalization, byte[]> ENVELOPES = new KeptPerSelection<>(20_000, 8);

    public static NormalizationView of(Normalization result, List<String> fields) {
        return new NormalizationView(result.confidence(), result.jobLevels(), TitleView.of(result.title(), fields));
    }

    /** A normalize answer, {@code {"data": …}}, as UTF-8, made once per cached match and field selection with {@code mapper}. */
    static byte[] envelope(Normalization result, List<String> fields, ObjectMapper mapper) throws IOException {
        return ENVELOPES.get(result, fields, () -> mapper.writeValueAsBytes(new DataEnvelope<>(of(result, fields))));
    }
}
