package io.titlesgateway.lightcast;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.Normalization;
import io.vertx.core.Vertx;

/**
 * Gathers normalize misses into {@code /normalize/bulk} calls, binding terms to a call only once
 * the call has its permit: misses wait in a pending set per version and field set, one sender asks
 * the budget for a permit on their behalf, and when the permit comes it takes every term pending at
 * that moment, up to {@value BulkQuery#MAX_TERMS}; what is left gets the next sender at once. So one
 * permit answers everyone waiting for it, however many arrived while permits were scarce. The first
 * miss lingers for the window ({@code LIGHTCAST_BULK_WINDOW}) before its sender asks, so that a
 * lone miss on an idle budget still gathers its neighbours. Each term is sent once however many wait
 * for it, and each waiter gets its own item back. A term keeps its own deadline: one whose sender
 * got no permit by then fails with the budget's 429, the others wait on. A call nobody waits for
 * any more (its streams were closed) is not made, nor retried.
 */
@ApplicationScoped
class NormalizeBatcher {

    /** Terms of one version, fetched with the same fields, can share a call. */
    private record BatchKey(String version, List<String> fields) {
    }

    /** One term waiting for a call: the raw term to send, its waiters' future, when it came, and who waits. */
    private static final class Pending {
        final String raw;
        final long arrivedAt;
        final CompletableFuture<Normalization> result = new CompletableFuture<>();
        final List<BooleanSupplier> waiters = new ArrayList<>(1);

        Pending(String raw, long arrivedAt) {
            this.raw = raw;
            this.arrivedAt = arrivedAt;
        }

        boolean wanted() {
            for (BooleanSupplier waiter : waiters) {
                if (waiter.getAsBoolean()) {
                    return true;
                }
            }
            return false;
        }
    }

    /** The terms of one key not bound to a call yet, in arrival order, and whether a sender asks for them. */
    private static final class Queue {
        final BatchKey key;
        final Map<String, Pending> pending = new LinkedHashMap<>();
        boolean senderAsking;

        Queue(BatchKey key) {
            this.key = key;
        }
    }

    private final GuardedLightcast upstream;
    private final LightcastMetrics metrics;
    private final Vertx vertx;
    private final long windowMillis;
    private final long deadlineNanos;
    /** One queue per key; the keys are few (versions × field sets). Guarded by {@code this}, as is all they hold. */
    private final Map<BatchKey, Queue> queues = new HashMap<>();

    @Inject
    NormalizeBatcher(GuardedLightcast upstream, LightcastMetrics metrics, Vertx vertx, LightcastConfig config, MeterRegistry registry) {
        this.upstream = upstream;
        this.metrics = metrics;
        this.vertx = vertx;
        this.windowMillis = Math.max(1, config.bulk().window().toMillis());
        this.deadlineNanos = config.budgetDeadline().toNanos();
        Gauge.builder("titles.upstream.batch.pending", this, NormalizeBatcher::pendingTerms)
                .description("Normalize misses waiting for a bulk call to take them").register(registry);
    }

    private synchronized int pendingTerms() {
        return queues.values().stream().mapToInt(queue -> queue.pending.size()).sum();
    }

    /**
     * The best match at threshold 0 for each term (keyed by its folded form), completed when the
     * bulk call carrying it answers: {@code null} where Lightcast matched nothing. {@code wanted}
     * says whether the caller still waits; a term is sent while any of its callers does.
     */
    Map<String, CompletableFuture<Normalization>> normalize(String version, List<String> fields, Map<String, String> termsByKey,
            BooleanSupplier wanted) {
        Map<String, CompletableFuture<Normalization>> futures = new LinkedHashMap<>();
        Queue queue;
        boolean startSender;
        synchronized (this) {
            queue = queues.computeIfAbsent(new BatchKey(version, List.copyOf(fields)), Queue::new);
            long now = System.nanoTime();
            for (var term : termsByKey.entrySet()) {
                Pending pending = queue.pending.computeIfAbsent(term.getKey(), unused -> new Pending(term.getValue(), now));
                if (!pending.waiters.contains(wanted)) {
                    pending.waiters.add(wanted);
                }
                futures.put(term.getKey(), pending.result);
            }
            startSender = !queue.senderAsking && !queue.pending.isEmpty();
            queue.senderAsking |= startSender;
        }
        if (startSender) {
            vertx.setTimer(windowMillis, unused -> send(queue));
        }
        return futures;
    }

    /** One sender: asks for a permit for the queue's terms, and takes them when it comes. */
    private void send(Queue queue) {
        Call call = new Call(queue);
        Uni<List<BulkNormalization>> answered;
        synchronized (this) {
            answered = upstream.bulk(queue.key.version(), call::bind, queue.key.fields(), call.deadline(), call::wanted);
        }
        answered.subscribe().with(call::answered, call::failed);
    }

    /** A call being made for one queue: unbound while it waits for its permit, then carrying the terms it took. */
    private final class Call {
        final Queue queue;
        final long startedAt = System.nanoTime();
        /** The terms taken when the permit came, in the order sent; null until then. Guarded by the batcher. */
        List<Map.Entry<String, Pending>> bound;

        Call(Queue queue) {
            this.queue = queue;
        }

        /** Called under the batcher's lock: the deadline of the oldest term waiting. */
        long deadline() {
            long oldest = startedAt;
            for (Pending pending : queue.pending.values()) {
                oldest = Math.min(oldest, pending.arrivedAt);
            }
            return oldest + deadlineNanos;
        }

        /**
         * The permit has come (called again for each attempt of the same call): on the first, the
         * terms pending now are taken, up to the most a call carries, and if any are left the next
         * sender starts asking at once, their linger being over.
         */
        List<String> bind() {
            boolean more = false;
            List<String> raw;
            synchronized (NormalizeBatcher.this) {
                if (bound == null) {
                    bound = new ArrayList<>();
                    Iterator<Map.Entry<String, Pending>> waiting = queue.pending.entrySet().iterator();
                    while (waiting.hasNext() && bound.size() < BulkQuery.MAX_TERMS) {
                        Map.Entry<String, Pending> term = waiting.next();
                        bound.add(Map.entry(term.getKey(), term.getValue()));
                        waiting.remove();
                    }
                    metrics.batch(bound.size());
                    more = !queue.pending.isEmpty();
                    queue.senderAsking = more;
                }
                raw = bound.stream().map(term -> term.getValue().raw).toList();
            }
            if (more) {
                vertx.runOnContext(unused -> send(queue));
            }
            return raw;
        }

        /** Whether anyone still waits for what this call carries, or would carry: unwanted, it gets no permit. */
        boolean wanted() {
            synchronized (NormalizeBatcher.this) {
                if (bound != null) {
                    return bound.stream().anyMatch(term -> term.getValue().wanted());
                }
                return queue.pending.values().stream().anyMatch(Pending::wanted);
            }
        }

        void answered(List<BulkNormalization> items) {
            List<Map.Entry<String, Pending>> terms;
            synchronized (NormalizeBatcher.this) {
                terms = bound;
            }
            for (int i = 0; i < terms.size(); i++) {
                BulkNormalization item = i < items.size() ? items.get(i) : null;
                terms.get(i).getValue().result.complete(item == null ? null : item.asNormalization());
            }
        }

        /**
         * Bound, the call's terms fail with it. Never bound (no permit in time, the breaker open,
         * nobody waiting any more), it fails the terms that were waiting when it started (those
         * nobody wants, if that was why), and the rest get a new sender after the linger.
         */
        void failed(Throwable failure) {
            List<Pending> failing = new ArrayList<>();
            boolean again = false;
            synchronized (NormalizeBatcher.this) {
                if (bound != null) {
                    bound.forEach(term -> failing.add(term.getValue()));
                } else {
                    Iterator<Pending> waiting = queue.pending.values().iterator();
                    while (waiting.hasNext()) {
                        Pending pending = waiting.next();
                        boolean fails = failure instanceof CallAbandoned ? !pending.wanted() : pending.arrivedAt - startedAt <= 0;
                        if (fails) {
                            failing.add(pending);
                            waiting.remove();
                        }
                    }
                    again = !queue.pending.isEmpty();
                    queue.senderAsking = again;
                }
            }
            failing.forEach(pending -> pending.result.completeExceptionally(failure));
            if (again) {
                vertx.setTimer(windowMillis, unused -> send(queue));
            }
        }
    }
}
