package io.titlesgateway.lightcast;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.auth.CallerAuth;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.SharedFailure;
import io.titlesgateway.titles.Spans;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.store.SharedPool;
import io.titlesgateway.store.Fetched;
import io.titlesgateway.store.BudgetSpent;
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
 *
 * <p>With replicas sharing Redis, the pending set is theirs together ({@link SharedPool}): each
 * window a replica offers its new misses and looks for the answers to the ones it waits for, in
 * one round trip, and a permit any replica gets takes the oldest terms pooled by any of them. A
 * replica that loses Redis keeps what it waits for here and sends it itself.
 */
@ApplicationScoped
class NormalizeBatcher {

    /** Terms of one version, fetched with the same fields, can share a call. */
    private record BatchKey(String version, List<String> fields) {
    }

    /** Where a term not bound to a call of this replica waits. */
    private enum Where {
        /** Here only: a call of this replica must carry it (Redis is not shared, or the term's lease was taken elsewhere). */
        HERE,
        /** Here, to be offered to the shared pool at the next look. */
        NEW,
        /** In the shared pool on this replica's lease: a call of any replica may take it. */
        POOLED,
        /** Pooled by this replica and taken by another's call, which delivers its answer to this replica's inbox. */
        TAKEN,
        /** Another replica had its lease when this one offered it: its answer is looked for in the shared cache. */
        ELSEWHERE
    }

    /** One term waiting for a call: the raw term to send, its waiters' future, when it came, who waits, and where. */
    private static final class Pending {
        final String raw;
        final long arrivedAt;
        final CompletableFuture<Fetched<Normalization>> result = new CompletableFuture<>();
        final List<BooleanSupplier> waiters = new ArrayList<>(1);
        /** The spans of the requests waiting, linked to the bulk call that carries the term. */
        final List<Span> askers = new ArrayList<>(1);
        Where where;

        Pending(String raw, long arrivedAt, Where where) {
            this.raw = raw;
            this.arrivedAt = arrivedAt;
            this.where = where;
        }

        /** Whether a call of this replica may carry it: all but the terms another replica has. */
        boolean sendable() {
            return where == Where.HERE || where == Where.NEW || where == Where.POOLED;
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

    /**
     * The terms of one key not bound to a call yet, in arrival order; whether a sender asks for
     * them, whether looks are under way, and when the last look asked after every pooled term.
     */
    private static final class Queue {
        final BatchKey key;
        final Map<String, Pending> pending = new LinkedHashMap<>();
        boolean senderAsking;
        boolean looking;
        long lastFullLook = System.nanoTime();
        /** When this queue's last call took its terms (System.nanoTime()); the next waits for the pace unless it is full. */
        long lastBoundAt = System.nanoTime() - TimeUnit.SECONDS.toNanos(1);
        /** Terms answered here lately whose callers have not come back with another yet, by count: who is answered often asks again at once. */
        int awaitedBack;
        /** When terms of this queue were last answered here, and when one last arrived (System.nanoTime()). */
        long lastAnsweredAt = lastBoundAt;
        long lastArrivedAt = lastBoundAt;
        /** Terms this replica's calls of this queue carry now, bound and not answered yet: their callers come back once they are. */
        int termsInFlight;
        /** Sharing Redis, when a call of any replica last took terms from the pool (System.nanoTime()), as the last look told. */
        long poolCalledAt = lastBoundAt;
        /** Sharing Redis, how many terms the pool held at the last look. */
        long poolLeft;

        Queue(BatchKey key) {
            this.key = key;
        }

        boolean hasSendable() {
            return pending.values().stream().anyMatch(Pending::sendable);
        }

        void arrived(long now) {
            awaitedBack = Math.max(0, awaitedBack - 1);
            lastArrivedAt = now;
        }

        void answered(int terms, long now) {
            awaitedBack += terms;
            lastAnsweredAt = now;
        }

        /** How many terms wait to be sent by this replica, up to as many as a call carries. */
        int sendable() {
            return (int) pending.values().stream().filter(Pending::sendable).limit(BulkQuery.MAX_TERMS).count();
        }

        /** Whether as many terms as a call carries wait to be sent by this replica, or in the pool the replicas share. */
        boolean holdsAWholeCall() {
            return sendable() == BulkQuery.MAX_TERMS || poolLeft >= BulkQuery.MAX_TERMS;
        }

        /** When the last call of this replica or, sharing Redis, of any replica took its terms (System.nanoTime()). */
        long lastCalledAt() {
            return poolCalledAt - lastBoundAt > 0 ? poolCalledAt : lastBoundAt;
        }

        /** What a look at the pool told of it: how many terms it holds, and how long ago a call took some. */
        void heard(SharedPool.Look look, long now) {
            poolLeft = look.poolLeft();
            long calledAt = now - TimeUnit.MILLISECONDS.toNanos(Math.min(look.sinceLastCallMillis(), TimeUnit.HOURS.toMillis(1)));
            poolCalledAt = calledAt - poolCalledAt > 0 ? calledAt : poolCalledAt;
        }
    }

    /** A term as a look asked about it: where it was then decides whether a found answer was already there. */
    private record Asked(String key, Pending pending, Where whenAsked) {
    }

    private final GuardedLightcast upstream;
    private final SharedPool pool;
    private final LightcastMetrics metrics;
    private final Vertx vertx;
    private final long windowMillis;
    /** How long a call whose permit came may wait for callers who will soon ask again ({@code LIGHTCAST_BULK_RETURN_WAIT}). */
    private final long returnWaitNanos;
    /** How often a waiting call looks again whether its callers are back. */
    private static final long RETURN_LOOK_MILLIS = 5;
    /** The budget's pace: one call every 1 s / rate. */
    private final long paceNanos;
    private final long deadlineNanos;
    /** How long a term another replica has may wait for its answer: the deadline and a lease more. */
    private final long elsewhereNanos;
    /**
     * How often a replica looks at the pool while it has terms there: a term offered later than a
     * call of another replica took the pool misses that call, and an answer delivered waits for the
     * look; each look is one round trip, whatever it carries.
     */
    private static final long LOOK_MILLIS = 20;
    /** How often a look asks after every pooled term, not only the new ones: for a sender that died, or an inbox lost. */
    private static final long FULL_LOOK_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** One queue per key; the keys are few (versions × field sets). Guarded by {@code this}, as is all they hold. */
    private final Map<BatchKey, Queue> queues = new HashMap<>();
    private boolean stopped;

    /** The span of a bulk call gathered from normalize misses, and how many terms it carried. */
    static final String BULK_CALL = "lightcast.normalize.bulk";
    static final String TERMS = "lightcast.bulk.terms";
    /** The event on that span when the permit came and the call took its terms: what came before was the wait for it. */
    static final String BOUND = "lightcast.bulk.bound";

    @Inject
    Spans spans;

    @Inject
    CallerShares shares;

    @Inject
    NormalizeBatcher(GuardedLightcast upstream, SharedPool pool, LightcastMetrics metrics, Vertx vertx, LightcastConfig config,
            MeterRegistry registry) {
        this.upstream = upstream;
        this.pool = pool;
        this.metrics = metrics;
        this.vertx = vertx;
        this.windowMillis = Math.max(1, config.bulk().window().toMillis());
        this.returnWaitNanos = config.bulk().returnWait().toNanos();
        this.paceNanos = TimeUnit.SECONDS.toNanos(1) / Math.max(1, config.rateLimit());
        this.deadlineNanos = config.budgetDeadline().toNanos();
        this.elsewhereNanos = deadlineNanos + TimeUnit.MILLISECONDS.toNanos(config.attemptTimeout().toMillis() + 1_000);
        Gauge.builder("titles.upstream.batch.pending", this, batcher -> batcher.terms(Where.values()))
                .description("Normalize misses waiting for a bulk call to take them").register(registry);
        Gauge.builder("titles.upstream.batch.pooled", this, batcher -> batcher.terms(Where.POOLED))
                .description("Of those, the ones this replica offered to the pool the replicas share on Redis").register(registry);
    }

    private synchronized int terms(Where... where) {
        List<Where> counted = List.of(where);
        return (int) queues.values().stream().flatMap(queue -> queue.pending.values().stream())
                .filter(pending -> counted.contains(pending.where)).count();
    }

    /** Whether misses go to the pool the replicas share, now. */
    boolean pooling() {
        return pool.active();
    }

    /**
     * The best match at threshold 0 for each term (keyed by its folded form), completed when the
     * bulk call carrying it answers, here or on another replica: a {@code null} value where Lightcast
     * matched nothing. {@code wanted} says whether the caller still waits; a term is sent while any
     * of its callers does. {@code mayPool}: whether the terms may join the pool the replicas share;
     * not if this replica already holds their leases in the shared cache.
     */
    Map<String, CompletableFuture<Fetched<Normalization>>> normalize(String version, List<String> fields,
            Map<String, String> termsByKey, BooleanSupplier wanted, boolean mayPool) {
        Map<String, CompletableFuture<Fetched<Normalization>>> futures = new LinkedHashMap<>();
        TitlesException refused = shares.refusal(CallerAuth.currentCaller());
        if (refused != null) {
            termsByKey.keySet().forEach(key -> futures.put(key, CompletableFuture.failedFuture(refused)));
            return futures;
        }
        Where arriving = mayPool && pool.active() ? Where.NEW : Where.HERE;
        Queue queue;
        boolean startSender;
        boolean startLook;
        synchronized (this) {
            queue = queues.computeIfAbsent(new BatchKey(version, List.copyOf(fields)), Queue::new);
            long now = System.nanoTime();
            for (var term : termsByKey.entrySet()) {
                Pending pending = queue.pending.get(term.getKey());
                if (pending == null) {
                    pending = new Pending(term.getValue(), now, arriving);
                    queue.pending.put(term.getKey(), pending);
                    queue.arrived(now);
                }
                if (!pending.waiters.contains(wanted)) {
                    pending.waiters.add(wanted);
                    Span asker = Span.current();
                    if (asker.getSpanContext().isSampled()) {
                        pending.askers.add(asker);
                    }
                }
                futures.put(term.getKey(), pending.result);
            }
            startSender = !queue.senderAsking && queue.hasSendable();
            queue.senderAsking |= startSender;
            startLook = arriving == Where.NEW && !queue.looking;
            queue.looking |= startLook;
        }
        if (startSender) {
            sendAfter(queue, windowMillis);
        }
        if (startLook) {
            vertx.setTimer(LOOK_MILLIS, unused -> look(queue));
        }
        return futures;
    }

    /**
     * One look at the shared pool, each window while the queue holds terms there: offers the new
     * ones, and finds what became of the others (answered, taken by another replica, failed).
     */
    private void look(Queue queue) {
        List<Asked> asked;
        List<Runnable> completions = new ArrayList<>();
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (!pool.active()) {
                queue.looking = false;
                keepHere(queue);
                return;
            }
            failOverdue(queue, completions);
            long now = System.nanoTime();
            boolean full = now - queue.lastFullLook > FULL_LOOK_NANOS;
            if (full) {
                queue.lastFullLook = now;
            }
            asked = askable(queue, full);
            queue.looking = queue.pending.values().stream().anyMatch(pending -> pending.where != Where.HERE);
        }
        completions.forEach(Runnable::run);
        if (!queue.looking) {
            return;
        }
        pool.look(queue.key.version(), queue.key.fields(), terms(asked), SharedPool.Pop.NONE).subscribe().with(
                look -> {
                    List<Runnable> settled = new ArrayList<>();
                    synchronized (this) {
                        queue.heard(look, System.nanoTime());
                        settle(queue, asked, look.found(), settled);
                        deliver(queue, look.delivered(), settled);
                    }
                    settled.forEach(Runnable::run);
                    ensureSender(queue);
                    vertx.setTimer(LOOK_MILLIS, unused -> look(queue));
                },
                failure -> {
                    if (pool.active()) {
                        vertx.setTimer(LOOK_MILLIS, unused -> look(queue)); // late, not failing: look again
                        return;
                    }
                    synchronized (this) {
                        queue.looking = false;
                        keepHere(queue);
                    }
                });
    }

    /**
     * Called under the lock: the terms a look asks about: the new ones, the ones whose lease another
     * replica held, and ({@code all}) the pooled and taken ones too, whose answers come to the inbox.
     */
    private static List<Asked> askable(Queue queue, boolean all) {
        List<Asked> asked = new ArrayList<>();
        for (var term : queue.pending.entrySet()) {
            Where where = term.getValue().where;
            boolean ask = where == Where.NEW || where == Where.ELSEWHERE || all && (where == Where.POOLED || where == Where.TAKEN);
            if (ask && asked.size() < SharedPool.MAX_TERMS_PER_LOOK) {
                asked.add(new Asked(term.getKey(), term.getValue(), where));
            }
        }
        return asked;
    }

    private static List<SharedPool.Term> terms(List<Asked> asked) {
        return asked.stream().map(term -> new SharedPool.Term(term.key(), term.pending().raw, term.whenAsked() == Where.ELSEWHERE))
                .toList();
    }

    /** Called under the lock: what a look found, applied to the terms still waiting; their answers are given after. */
    private void settle(Queue queue, List<Asked> asked, List<SharedPool.Found> found, List<Runnable> completions) {
        for (int i = 0; i < asked.size(); i++) {
            Asked term = asked.get(i);
            Pending pending = term.pending();
            if (queue.pending.get(term.key()) != pending) {
                continue; // bound to a call, or answered, meanwhile
            }
            SharedPool.Found state = found.get(i);
            switch (state.kind()) {
                case ANSWERED -> {
                    queue.pending.remove(term.key());
                    // there before this replica offered it: a hit; fetched for it since: this caller's miss
                    Fetched<Normalization> answer = term.whenAsked() == Where.NEW ? Fetched.shared(state.answer(), state.ageNanos())
                            : Fetched.now(state.answer());
                    completions.add(() -> pending.result.complete(answer));
                }
                case FAILED -> {
                    queue.pending.remove(term.key());
                    completions.add(() -> pending.result.completeExceptionally(SharedFailure.of(state.failure())));
                }
                case POOLED -> pending.where = pending.where == Where.HERE ? Where.HERE : Where.POOLED;
                case ELSEWHERE -> pending.where = pending.where == Where.HERE ? Where.HERE
                        // a term this replica pooled, now being sent by another, is delivered; any other is looked for
                        : pending.where == Where.POOLED || pending.where == Where.TAKEN ? Where.TAKEN : Where.ELSEWHERE;
            }
        }
    }

    /** Called under the lock: what other replicas' calls brought for this replica's pooled terms. */
    private static void deliver(Queue queue, List<SharedPool.Delivered> delivered, List<Runnable> completions) {
        for (SharedPool.Delivered entry : delivered) {
            Pending pending = queue.pending.get(entry.key());
            if (pending == null || pending.where == Where.HERE) {
                continue;
            }
            queue.pending.remove(entry.key());
            SharedPool.Found found = entry.found();
            completions.add(found.kind() == SharedPool.Kind.FAILED ? () -> pending.result.completeExceptionally(SharedFailure.of(found.failure()))
                    : () -> pending.result.complete(Fetched.now(found.answer())));
        }
    }

    /** Called under the lock: terms another replica has whose answer is overdue fail, as their wait for a permit would have. */
    private void failOverdue(Queue queue, List<Runnable> completions) {
        long now = System.nanoTime();
        Iterator<Pending> waiting = queue.pending.values().iterator();
        while (waiting.hasNext()) {
            Pending pending = waiting.next();
            if ((pending.where == Where.ELSEWHERE || pending.where == Where.TAKEN) && now - pending.arrivedAt > elsewhereNanos) {
                waiting.remove();
                completions.add(() -> pending.result.completeExceptionally(new BudgetSpent(1)));
            }
        }
    }

    /** Called under the lock, Redis gone: every term waits here, for this replica's own calls. */
    private void keepHere(Queue queue) {
        queue.pending.values().forEach(pending -> pending.where = Where.HERE);
        queue.poolLeft = 0;
        if (!queue.senderAsking && queue.hasSendable()) {
            queue.senderAsking = true;
            vertx.runOnContext(unused -> sendAfter(queue, 0));
        }
    }

    private void ensureSender(Queue queue) {
        boolean start;
        synchronized (this) {
            start = !queue.senderAsking && queue.hasSendable();
            queue.senderAsking |= start;
        }
        if (start) {
            sendAfter(queue, 0);
        }
    }

    /**
     * Starts the queue's next sender after {@code lingerMillis}, and, unless a whole call's terms
     * wait, not before the budget's pace from its last call (of any replica, sharing Redis): a call
     * is worth a whole permit, so one that could carry more waits for its turn and takes everything
     * that came meanwhile, rather than going out half empty.
     */
    private void sendAfter(Queue queue, long lingerMillis) {
        long paceLeftNanos;
        synchronized (this) {
            paceLeftNanos = queue.holdsAWholeCall() ? 0 : queue.lastCalledAt() + paceNanos - System.nanoTime();
        }
        long delayMillis = Math.max(lingerMillis, TimeUnit.NANOSECONDS.toMillis(Math.max(0, paceLeftNanos)));
        if (delayMillis <= 0) {
            send(queue);
        } else {
            vertx.setTimer(delayMillis, unused -> send(queue));
        }
    }

    /** The replica is shutting down: no more looks or senders start. */
    @PreDestroy
    synchronized void stop() {
        stopped = true;
    }

    /**
     * One sender: asks for a permit for the queue's terms, and takes them when it comes. The call is
     * a trace of its own, linked both ways with the requests whose terms it carries.
     */
    private void send(Queue queue) {
        Span span = spans.startRoot(BULK_CALL);
        Call call = new Call(queue, span);
        Uni<List<BulkNormalization>> answered;
        synchronized (this) {
            if (stopped) {
                span.end();
                return;
            }
            try (Scope scope = span.makeCurrent()) {
                answered = upstream.bulk(queue.key.version(), call::bind, queue.key.fields(), call.deadline(), call::wanted);
            }
        }
        answered.onTermination().invoke(span::end).subscribe().with(call::answered, call::failed);
    }

    /** A call being made for one queue: unbound while it waits for its permit, then carrying the terms it took. */
    private final class Call {
        final Queue queue;
        final long startedAt = System.nanoTime();
        /** The terms taken when the permit came, in the order sent; null until then. Guarded by the batcher. */
        List<Map.Entry<String, Pending>> bound;
        /** Of those, the ones taken from the shared pool, whose answers go to Redis. */
        final List<SharedPool.Popped> popped = new ArrayList<>();
        final Span span;
        /** When the permit came (System.nanoTime()); 0 before. Guarded by the batcher. */
        long permitAt;
        /** Sharing Redis, the call's name among the calls under way of every replica; null until it looks at the pool. */
        String poolCall;

        Call(Queue queue, Span span) {
            this.queue = queue;
            this.span = span;
        }

        /** Called under the batcher's lock: the deadline of the oldest term waiting. */
        long deadline() {
            long oldest = startedAt;
            for (Pending pending : queue.pending.values()) {
                if (pending.sendable()) {
                    oldest = Math.min(oldest, pending.arrivedAt);
                }
            }
            return oldest + deadlineNanos;
        }

        /**
         * The permit has come (called again for each attempt of the same call): on the first, the
         * terms pending here now are taken, then, sharing Redis, the oldest of the pool, up to the
         * most a call carries; if any are left the next sender starts asking at once, their linger
         * being over. Nothing to take: {@link NothingToSend}, and the permit goes back unused.
         *
         * <p>Before it takes them, a call that could carry more waits, a little, for callers who will
         * soon ask again ({@link #waitsForCallers}): those of a call under way, and those a call just answered.
         * Otherwise, with many callers each asking again once answered, the permit after a full call
         * takes the few it left behind, the next full call waits for the permit after that, and the
         * callers fall into groups that take turns, each waiting for two calls instead of one.
         */
        Uni<List<String>> bind() {
            boolean waits;
            synchronized (NormalizeBatcher.this) {
                waits = bound == null && waitsForCallers();
            }
            if (waits) {
                return after(RETURN_LOOK_MILLIS).chain(unused -> bind());
            }
            return take();
        }

        /**
         * Called under the lock, the permit come: whether to wait a little longer before taking the
         * terms. A call holding less than a whole call waits, for at most {@code LIGHTCAST_BULK_RETURN_WAIT}
         * from its permit, while calls under way carry more terms than wait; and, for at most as long
         * from the latest answer, while the callers answered are coming back: fewer terms arrived since
         * than were answered, the last within the window. Never longer than twice the return wait in
         * all. Callers who do not ask again at once cost no wait: the arrivals stop, and the call goes.
         * Replicas sharing Redis do not wait here: their callers come back to every replica, and a
         * replica sees only its own calls; the pool they share, which sees every replica's, holds
         * their calls instead ({@link #fill}).
         */
        private boolean waitsForCallers() {
            long now = System.nanoTime();
            if (permitAt == 0) {
                permitAt = now;
            }
            if (pool.active()) {
                return false; // the pool holds the call, if it should wait (fill)
            }
            int waiting = queue.sendable();
            if (waiting == BulkQuery.MAX_TERMS || now - permitAt >= 2 * returnWaitNanos) {
                return false;
            }
            // more callers in a call under way than waiting: they will be back, and ask again, soon after its answer
            boolean crowdInFlight = queue.termsInFlight > waiting && now - permitAt < returnWaitNanos;
            long lastSeen = Math.max(queue.lastArrivedAt, queue.lastAnsweredAt);
            boolean comingBack = queue.awaitedBack > 0 && now - lastSeen < TimeUnit.MILLISECONDS.toNanos(windowMillis)
                    && now - Math.max(permitAt, queue.lastAnsweredAt) < returnWaitNanos;
            return crowdInFlight || comingBack;
        }

        /** Completes after {@code millis}, on a Vert.x timer: a call waits holding its permit, no thread. */
        private Uni<Long> after(long millis) {
            return Uni.createFrom().emitter(waited -> vertx.setTimer(millis, waited::complete));
        }

        /** The permit has come and the callers are back: the binding itself. */
        private Uni<List<String>> take() {
            synchronized (NormalizeBatcher.this) {
                if (bound != null) {
                    return Uni.createFrom().item(carried());
                }
                bound = new ArrayList<>();
            }
            return fill(false);
        }

        /**
         * Takes the terms: this replica's own, then, sharing Redis, the oldest of the pool, which may
         * hold the call a little ({@link SharedPool.Pop}): for the budget's pace from the last call of
         * any replica, once (held for it again, another replica's call went meanwhile, and the permit
         * goes back unused); and, within {@code LIGHTCAST_BULK_RETURN_WAIT} of the permit, for callers
         * coming back. So the replicas' calls keep the pace and carry what one replica's would.
         */
        private Uni<List<String>> fill(boolean paceWaited) {
            List<Asked> offering;
            SharedPool.Pop pop;
            synchronized (NormalizeBatcher.this) {
                boolean shared = pool.active();
                if (!shared) {
                    queue.pending.values().forEach(pending -> pending.where = Where.HERE);
                }
                takeHere();
                int room = BulkQuery.MAX_TERMS - bound.size();
                offering = shared && room > 0 ? askable(queue, false) : List.of();
                if (!shared || room == 0) {
                    try {
                        return Uni.createFrom().item(bound());
                    } catch (NothingToSend nothing) {
                        return Uni.createFrom().failure(nothing);
                    }
                }
                if (poolCall == null) {
                    poolCall = pool.newCallId();
                }
                boolean mayWaitForCallers = System.nanoTime() - permitAt < returnWaitNanos;
                pop = new SharedPool.Pop(room, TimeUnit.NANOSECONDS.toMillis(paceNanos),
                        mayWaitForCallers ? TimeUnit.NANOSECONDS.toMillis(returnWaitNanos) : 0, windowMillis, poolCall);
            }
            return pool.look(queue.key.version(), queue.key.fields(), terms(offering), pop)
                    .onItem().transformToUni(look -> {
                        List<Runnable> settled = new ArrayList<>();
                        try {
                            synchronized (NormalizeBatcher.this) {
                                queue.heard(look, System.nanoTime());
                                settle(queue, offering, look.found(), settled);
                                deliver(queue, look.delivered(), settled);
                                if (look.heldMillis() > 0 && (look.heldForCallers() || !paceWaited)) {
                                    return after(look.heldMillis()).chain(unused -> fill(paceWaited || !look.heldForCallers()));
                                }
                                takePopped(look);
                                return Uni.createFrom().item(bound());
                            }
                        } finally {
                            // also when nothing is left to send: the look may have answered every term it offered
                            settled.forEach(Runnable::run);
                        }
                    })
                    .onFailure(failure -> !(failure instanceof NothingToSend)).recoverWithItem(() -> {
                        synchronized (NormalizeBatcher.this) {
                            keepHere(queue);
                            takeHere();
                            return bound();
                        }
                    });
        }

        /** Called under the lock: the terms only this replica may send, up to the most a call carries. */
        private void takeHere() {
            Iterator<Map.Entry<String, Pending>> waiting = queue.pending.entrySet().iterator();
            while (waiting.hasNext() && bound.size() < BulkQuery.MAX_TERMS) {
                Map.Entry<String, Pending> term = waiting.next();
                if (term.getValue().where == Where.HERE) {
                    bound.add(Map.entry(term.getKey(), term.getValue()));
                    waiting.remove();
                }
            }
        }

        /** Called under the lock: the terms popped from the pool, this replica's own and other replicas'. */
        private void takePopped(SharedPool.Look look) {
            long now = System.nanoTime();
            for (SharedPool.Popped term : look.popped()) {
                Pending pending = queue.pending.remove(term.key());
                if (pending == null) {
                    pending = new Pending(term.raw(), now, Where.ELSEWHERE); // another replica's: its answer goes through Redis
                    pending.waiters.add(UpstreamBudget.Claim.ALWAYS_WANTED);
                }
                bound.add(Map.entry(term.key(), pending));
                popped.add(term);
            }
            if (look.poolLeft() == 0) {
                // none of this replica's pooled terms is left in the pool: calls elsewhere carry them
                queue.pending.values().stream().filter(pending -> pending.where == Where.POOLED)
                        .forEach(pending -> pending.where = Where.TAKEN);
            }
        }

        /** Called under the lock, the binding done: counts it, starts the next sender if terms are left, and says what goes. */
        private List<String> bound() {
            boolean more = queue.hasSendable();
            queue.senderAsking = more;
            if (!bound.isEmpty()) {
                queue.lastBoundAt = System.nanoTime();
                queue.termsInFlight += bound.size();
            }
            if (more) {
                vertx.runOnContext(unused -> sendAfter(queue, 0));
            }
            if (bound.isEmpty()) {
                throw new NothingToSend();
            }
            metrics.batch(bound.size());
            span.setAttribute(TERMS, bound.size());
            span.addEvent(BOUND);
            for (Map.Entry<String, Pending> term : bound) {
                for (Span asker : term.getValue().askers) {
                    span.addLink(asker.getSpanContext());
                    asker.addLink(span.getSpanContext());
                }
            }
            return carried();
        }

        private List<String> carried() {
            return bound.stream().map(term -> term.getValue().raw).toList();
        }

        /** Whether anyone still waits for what this call carries, or would carry: unwanted, it gets no permit. */
        boolean wanted() {
            synchronized (NormalizeBatcher.this) {
                if (bound != null) {
                    return bound.stream().anyMatch(term -> term.getValue().wanted());
                }
                return queue.pending.values().stream().anyMatch(pending -> pending.sendable() && pending.wanted());
            }
        }

        void answered(List<BulkNormalization> items) {
            List<Map.Entry<String, Pending>> terms;
            synchronized (NormalizeBatcher.this) {
                terms = bound;
                queue.termsInFlight -= terms.size();
                queue.answered(terms.size(), System.nanoTime());
            }
            Map<String, Normalization> answers = new HashMap<>();
            for (int i = 0; i < terms.size(); i++) {
                BulkNormalization item = i < items.size() ? items.get(i) : null;
                Normalization best = item == null ? null : item.asNormalization();
                answers.put(terms.get(i).getKey(), best);
                terms.get(i).getValue().result.complete(Fetched.now(best));
            }
            if (!popped.isEmpty()) {
                pool.answered(queue.key.version(), queue.key.fields(), poolCall, popped, popped.stream().map(term -> answers.get(term.key())).toList());
            }
        }

        /**
         * Bound, the call's terms fail with it (on other replicas too). Never bound (no permit in
         * time, the breaker open, nobody waiting any more), it fails the terms that were waiting when
         * it started (those nobody wants, if that was why), taking them out of the pool, and the rest
         * get a new sender after the linger. Nothing to send: the binding has seen to what is left.
         */
        void failed(Throwable failure) {
            if (failure instanceof NothingToSend) {
                return;
            }
            List<Pending> failing = new ArrayList<>();
            List<String> withdrawn = new ArrayList<>();
            boolean again = false;
            synchronized (NormalizeBatcher.this) {
                if (bound != null) {
                    bound.forEach(term -> failing.add(term.getValue()));
                    queue.termsInFlight -= bound.size();
                } else {
                    Iterator<Map.Entry<String, Pending>> waiting = queue.pending.entrySet().iterator();
                    while (waiting.hasNext()) {
                        Map.Entry<String, Pending> term = waiting.next();
                        Pending pending = term.getValue();
                        boolean fails = pending.sendable() && (failure instanceof CallAbandoned ? !pending.wanted()
                                : pending.arrivedAt - startedAt <= 0);
                        if (fails) {
                            failing.add(pending);
                            waiting.remove();
                            if (pending.where == Where.POOLED) {
                                withdrawn.add(term.getKey());
                            }
                        }
                    }
                    again = queue.hasSendable();
                    queue.senderAsking = again;
                }
            }
            SharedFailure.failAll(failing.stream().map(pending -> pending.result).toList(), failure);
            if (!popped.isEmpty()) {
                pool.failed(queue.key.version(), queue.key.fields(), poolCall, popped, failure);
            }
            if (!withdrawn.isEmpty()) {
                pool.withdraw(queue.key.version(), queue.key.fields(), withdrawn);
            }
            if (again) {
                sendAfter(queue, windowMillis);
            }
        }
    }
}
