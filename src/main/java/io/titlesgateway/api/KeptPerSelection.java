package io.titlesgateway.api;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * What an answer's view or bytes are made of, made once per cached object and field selection: the
 * object is held weakly (kept as long as a cache holds it, up to {@code owners}), and at most
 * {@code selections} selections are kept for each; a rarer one is made for its answer only.
 */
final class KeptPerSelection<K, V> {

    /** Makes the value when none is kept. */
    @FunctionalInterface
    interface Maker<V, E extends Exception> {
        V make() throws E;
    }

    private final Cache<K, Map<List<String>, V>> kept;
    private final int selections;

    KeptPerSelection(int owners, int selections) {
        this.kept = Caffeine.newBuilder().weakKeys().maximumSize(owners).build();
        this.selections = selections;
    }

    /** The value kept for {@code owner} and {@code selection}, made now if there is none. */
    <E extends Exception> V get(K owner, List<String> selection, Maker<V, E> maker) throws E {
        Map<List<String>, V> values = kept.get(owner, unused -> new ConcurrentHashMap<>(4));
        V value = values.get(selection);
        if (value == null) {
            value = maker.make();
            if (values.size() < selections) {
                values.putIfAbsent(List.copyOf(selection), value);
            }
        }
        return value;
    }
}
