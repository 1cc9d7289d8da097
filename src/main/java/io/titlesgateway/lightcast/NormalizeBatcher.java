package io.titlesgateway.lightcast;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.Normalization;
import io.vertx.core.Vertx;

/**
 * Gathers normalize misses into {@code /normalize/bulk} calls: terms arriving within the window
 * (or until {@value BulkQuery#MAX_TERMS} are waiting) go out as one call, each term once however
 * many wait for it, and each waiter gets its own item back. A term alone waits only the window.
 * The call goes through the same guard and budget as any other.
 */
@ApplicationScoped
class NormalizeBatcher {

    /** Terms of one version, fetched with the same fields, can share a call. */
    private record BatchKey(String version, List<String> fields) {
    }

    /** The terms waiting for one call, by their folded form, each with the raw term sent and its waiters' future. */
    private static final class Batch {
        final BatchKey key;
        final Map<String, String> terms = new LinkedHashMap<>();
        final Map<String, CompletableFuture<Normalization>> results = new HashMap<>();
        /** Whether each contributor still waits; the call is wanted while any does. Guarded by the batcher. */
        final List<BooleanSupplier> contributors = new ArrayList<>();
        long timer = -1;

        Batch(BatchKey key) {
            this.key = key;
        }

        boolean wanted() {
            synchronized (contributors) {
                for (BooleanSupplier contributor : contributors) {
                    if (contributor.getAsBoolean()) {
                        return true;
                    }
                }
                return false;
            }
        }

        void contributedBy(BooleanSupplier wanted) {
            synchronized (contributors) {
                if (!contributors.contains(wanted)) {
                    contributors.add(wanted);
                }
            }
        }
    }

    private final GuardedLightcast upstream;
    private final LightcastMetrics metrics;
    private final Vertx vertx;
    private final long windowMillis;
    /** Open batches, at most one per key; guarded by {@code this}. */
    private final Map<BatchKey, Batch> open = new HashMap<>();

    @Inject
    NormalizeBatcher(GuardedLightcast upstream, LightcastMetrics metrics, Vertx vertx, LightcastConfig config) {
        this.upstream = upstream;
        this.metrics = metrics;
        this.vertx = vertx;
        this.windowMillis = Math.max(1, config.bulk().window().toMillis());
    }

    /**
     * The best match at threshold 0 for each term (keyed by its folded form), completed when the
     * bulk call carrying it answers: {@code null} where Lightcast matched nothing. {@code wanted}
     * says whether the contributor still waits; the call is made while any contributor does.
     */
    Map<String, CompletableFuture<Normalization>> normalize(String version, List<String> fields, Map<String, String> termsByKey,
            BooleanSupplier wanted) {
        BatchKey key = new BatchKey(version, List.copyOf(fields));
        Map<String, CompletableFuture<Normalization>> futures = new LinkedHashMap<>();
        List<Batch> full = new ArrayList<>();
        synchronized (this) {
            for (var term : termsByKey.entrySet()) {
                Batch batch = open.computeIfAbsent(key, this::opened);
                batch.contributedBy(wanted);
                futures.put(term.getKey(), batch.results.computeIfAbsent(term.getKey(), unused -> {
                    batch.terms.put(term.getKey(), term.getValue());
                    return new CompletableFuture<>();
                }));
                if (batch.terms.size() == BulkQuery.MAX_TERMS) {
                    open.remove(key);
                    vertx.cancelTimer(batch.timer);
                    full.add(batch);
                }
            }
        }
        full.forEach(this::send);
        return futures;
    }

    private Batch opened(BatchKey key) {
        Batch batch = new Batch(key);
        batch.timer = vertx.setTimer(windowMillis, unused -> windowClosed(batch));
        return batch;
    }

    private void windowClosed(Batch batch) {
        synchronized (this) {
            if (!open.remove(batch.key, batch)) {
                return; // it filled up and left already
            }
        }
        send(batch);
    }

    private void send(Batch batch) {
        if (!batch.wanted()) {
            CallAbandoned abandoned = new CallAbandoned();
            batch.results.values().forEach(result -> result.completeExceptionally(abandoned));
            return;
        }
        List<String> keys = List.copyOf(batch.terms.keySet());
        metrics.batch(keys.size());
        upstream.bulk(batch.key.version(), keys.stream().map(batch.terms::get).toList(), batch.key.fields(), batch::wanted)
                .subscribe().with(items -> {
                    for (int i = 0; i < keys.size(); i++) {
                        BulkNormalization item = i < items.size() ? items.get(i) : null;
                        batch.results.get(keys.get(i)).complete(item == null ? null : item.asNormalization());
                    }
                }, failure -> batch.results.values().forEach(result -> result.completeExceptionally(failure)));
    }
}
