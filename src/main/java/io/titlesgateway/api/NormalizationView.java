package io.titlesgateway.api;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import io.titlesgateway.titles.Normalization;

/** A normalize or inspect result as the caller sees it: the title cut to the requested fields. */
public record NormalizationView(double confidence, List<String> jobLevels, Map<String, Object> title) {

    /** Per cached match (the very object the cache holds, hence weak keys), its normalize answer's bytes per field selection. */
    private static final Cache<Normalization, Map<List<String>, byte[]>> ENVELOPES = Caffeine.newBuilder().weakKeys()
            .maximumSize(20_000).build();
    private static final int SELECTIONS_KEPT = 8;

    public static NormalizationView of(Normalization result, List<String> fields) {
        return new NormalizationView(result.confidence(), result.jobLevels(), TitleView.of(result.title(), fields));
    }

    /** A normalize answer, {@code {"data": …}}, as UTF-8, made once per cached match and field selection with {@code mapper}. */
    static byte[] envelope(Normalization result, List<String> fields, ObjectMapper mapper) throws IOException {
        Map<List<String>, byte[]> envelopes = ENVELOPES.get(result, unused -> new ConcurrentHashMap<>(4));
        byte[] envelope = envelopes.get(fields);
        if (envelope == null) {
            envelope = mapper.writeValueAsBytes(new DataEnvelope<>(of(result, fields)));
            if (envelopes.size() < SELECTIONS_KEPT) {
                envelopes.putIfAbsent(List.copyOf(fields), envelope);
            }
        }
        return envelope;
    }
}
