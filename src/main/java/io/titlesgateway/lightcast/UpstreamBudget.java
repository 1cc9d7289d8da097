package io.titlesgateway.lightcast;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.titlesgateway.auth.CallerAuth;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.store.SharedLedger;
import io.titlesgateway.store.Permits;
import io.titlesgateway.store.BudgetSpent;

/**
 * The one budget every Lightcast request draws from: {@code rate} permits, each good for one
 * request and usable again one second after that request has completed. A request reaches
 * Lightcast somewhere between being sent and being answered, so two requests on one permit arrive
 * at least a second apart, and no one-second span ever sees more than {@code rate} arrivals —
 * whatever the network's latency, which a count of start times alone cannot promise.
 *
 * <p>Requests queue for a permit without holding a thread, one queue per caller; when callers
 * contend, permits go to their queues in proportion to their weights (stride scheduling), so one
 * that floods cannot starve the others, and within a caller's queue in arrival order. A request
 * that cannot get a permit before its deadline gets 429 with Retry-After, and one that could not be
 * served in time anyway is told at once. An upstream 429 pauses the budget.
 */
@ApplicationScoped
public class UpstreamBudget {

    private final int rate;
    private final long deadlineNanos;
    private final long maxPauseNanos;
    private final int maxQueued;
    private final long maxRetryAfterSeconds;
    /** Wakes waiters when a permit frees or a deadline passes; its tasks are short and never block. */
    private final ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "titles-budget");
        thread.setDaemon(true);
        return thread;
    });

    private final Permits permits;
    /** Waiting requests by caller; a caller with none waiting has no entry, so this stays as small as the callers. */
    private final Map<String, CallerQueue> queues = new HashMap<>();
    private int waiting;
    /** The pass of the last grant: where a caller that starts waiting joins, so idle time earns no credit. */
    private double virtualTime;
    private final CallerAuth callers;
    private final SharedLedger ledger;
    /** Whether an upstream 429 paused the budget, and until when (System.nanoTime(), meaningful only while paused). */
    private boolean paused;
    private long pausedUntil;
    private ScheduledFuture<?> wakeUp;
    private long wakeUpAt = Long.MAX_VALUE;

    private final Counter queued;
    private final Counter refused;
    private final Counter pauses;
    private final Timer waitTime;

    /** One caller's waiting requests, and how far it has been served: each grant advances its pass by 1 / weight. */
    private static final class CallerQueue {
        final String caller;
        final Deque<Waiter> waiters = new ArrayDeque<>();
        final int weight;
        final double stride;
        double pass;

        CallerQueue(String caller, int weight, double pass) {
            this.caller = caller;
            this.weight = weight;
            this.stride = 1.0 / weight;
            this.pass = pass;
        }
    }

    /**
     * What one call may claim of the budget: a permit until {@code deadline} (System.nanoTime()),
     * or only one that is free now with nobody waiting ({@code idleOnly}, for probes); and whether
     * anyone still waits for its answer: a call nobody wants gets no permit, however long it queued.
     */
    record Claim(long deadline, boolean idleOnly, BooleanSupplier wanted) {

        static final BooleanSupplier ALWAYS_WANTED = () -> true;

        static Claim forProbe() {
            return new Claim(System.nanoTime(), true, ALWAYS_WANTED);
        }
    }

    /** A request waiting for a permit; once granted, it carries the permit it must give back. */
    private static final class Waiter {
        final UniEmitter<? super Waiter> emitter;
        final long askedAt;
        final BooleanSupplier wanted;
        CallerQueue queue;
        ScheduledFuture<?> expiry;
        int permit = -1;
        /** When the permit would have been usable had it not been granted: where an unused permit goes back to. */
        long permitFreeAt;
        /** Set when the request has taken its permit; a permit granted to a caller that left goes back at once. */
        volatile boolean taken;

        Waiter(UniEmitter<? super Waiter> emitter, long askedAt, BooleanSupplier wanted) {
            this.emitter = emitter;
            this.askedAt = askedAt;
            this.wanted = wanted;
        }
    }

    @Inject
    UpstreamBudget(LightcastConfig config, MeterRegistry registry, CallerAuth callers, SharedLedger ledger) {
        this.callers = callers;
        this.ledger = ledger;
        this.rate = Math.max(1, config.rateLimit());
        this.deadlineNanos = config.budgetDeadline().toNanos();
        this.maxPauseNanos = config.maxPause().toNanos();
        this.maxQueued = rate * (int) Math.max(1, config.budgetDeadline().toSeconds() + 1);
        this.maxRetryAfterSeconds = config.maxPause().toSeconds() + config.budgetDeadline().toSeconds() + 1;
        this.permits = new Permits(rate);
        this.queued = registry.counter("titles.budget.waits", "outcome", "queued");
        this.refused = registry.counter("titles.budget.waits", "outcome", "refused");
        this.pauses = registry.counter("titles.budget.pauses");
        this.waitTime = Timer.builder("titles.budget.wait").description("Time requests waited for a permit")
                .register(registry);
        Gauge.builder("titles.budget.queue", this, UpstreamBudget::queueLength)
                .description("Requests waiting for a permit").register(registry);
    }

    @PreDestroy
    void stop() {
        timers.shutdownNow();
    }

    /** The claim of a call asked for now: a permit within the budget's deadline, while {@code wanted} says so. */
    Claim claim(BooleanSupplier wanted) {
        return new Claim(System.nanoTime() + deadlineNanos, false, wanted);
    }

    /** The claim of a call that must have its permit by {@code deadline} (System.nanoTime()), while {@code wanted} says so. */
    Claim claimUntil(long deadline, BooleanSupplier wanted) {
        return new Claim(deadline, false, wanted);
    }

    /**
     * Runs {@code request} under a permit: waits for one (until the claim's deadline), subscribes,
     * and gives the permit back when the request is over, however it ends. A call nobody wants any
     * more by the time it has its permits is not sent, and the permit goes back unused, as does one
     * whose request finds it has nothing to send ({@link NothingToSend}).
     */
    <T> Uni<T> spend(Claim claim, Supplier<Uni<T>> request) {
        if (claim.idleOnly()) {
            return spendIfIdle(request);
        }
        return acquire(claim).onItem().transformToUni(granted -> {
            granted.taken = true;
            // with replicas sharing Redis, the shared ledger must grant a permit too, by the same deadline
            return ledger.take(claim.deadline(), granted.queue.caller, granted.queue.weight)
                    .onFailure().invoke(() -> returnUnused(granted))
                    .onCancellation().invoke(() -> returnUnused(granted))
                    .onItem().transformToUni(ticket -> {
                        if (!claim.wanted().getAsBoolean()) {
                            ticket.giveBack();
                            returnUnused(granted);
                            return Uni.createFrom().<T>failure(new CallAbandoned());
                        }
                        return Uni.createFrom().deferred(request::get).onTermination().invoke((item, failure, cancelled) -> {
                            if (failure instanceof NothingToSend) {
                                ticket.putBack();
                                returnUnused(granted); // nothing went out on it
                            } else {
                                ticket.giveBack();
                                release(granted);
                            }
                        });
                    });
        });
    }

    /**
     * Runs {@code request} only if a permit is free now and nobody waits for one, here and (shared)
     * on Redis; otherwise fails at once with {@link BudgetSpent}. For probes, which must never make a
     * caller wait.
     */
    private <T> Uni<T> spendIfIdle(Supplier<Uni<T>> request) {
        Waiter probe = new Waiter(null, System.nanoTime(), Claim.ALWAYS_WANTED);
        synchronized (this) {
            int permit = permits.earliest();
            long now = System.nanoTime();
            if (waiting > 0 || permits.inFlight(permit) || permits.freeAt(permit) > now || paused && pausedUntil - now > 0) {
                return Uni.createFrom().failure(new BudgetSpent(1));
            }
            probe.permitFreeAt = permits.freeAt(permit);
            permits.take(permit);
            probe.permit = permit;
        }
        return ledger.takeIfIdle()
                .onFailure().invoke(() -> returnUnused(probe))
                .onCancellation().invoke(() -> returnUnused(probe))
                .onItem().transformToUni(ticket -> Uni.createFrom().deferred(request::get).onTermination().invoke(() -> {
                    ticket.giveBack();
                    release(probe);
                }));
    }

    /** Stops handing out permits for {@code duration} (bounded), after Lightcast said 429; every replica, when shared. */
    void pause(Duration duration) {
        ledger.pause(Duration.ofNanos(Math.min(duration.toNanos(), maxPauseNanos)));
        synchronized (this) {
            pauses.increment();
            long until = System.nanoTime() + Math.min(duration.toNanos(), maxPauseNanos);
            pausedUntil = paused && pausedUntil - until > 0 ? pausedUntil : until;
            paused = true;
        }
        dispatch();
    }

    /** Lifts a pause at once, as if Lightcast's reset had come. */
    public void resume() {
        synchronized (this) {
            paused = false;
        }
        dispatch();
    }

    private Uni<Waiter> acquire(Claim claim) {
        if (!claim.wanted().getAsBoolean()) {
            return Uni.createFrom().failure(new CallAbandoned());
        }
        long deadline = claim.deadline();
        String caller = CallerAuth.currentCaller();
        int weight = callers.weightOf(caller);
        return Uni.createFrom().emitter(emitter -> {
            long now = System.nanoTime();
            Waiter waiter = new Waiter(emitter, now, claim.wanted());
            long retryAfter;
            synchronized (this) {
                CallerQueue queue = queues.computeIfAbsent(caller, name -> new CallerQueue(name, weight, virtualTime));
                retryAfter = queue.waiters.size() >= maxQueued || deadline <= now ? estimatedWaitSeconds(now) : -1;
                if (retryAfter < 0) {
                    waiter.queue = queue;
                    queue.waiters.addLast(waiter);
                    waiting++;
                    waiter.expiry = timers.schedule(() -> expire(waiter), deadline - now, TimeUnit.NANOSECONDS);
                } else if (queue.waiters.isEmpty()) {
                    queues.remove(caller);
                }
            }
            if (retryAfter >= 0) {
                refuse(emitter, retryAfter);
                return;
            }
            emitter.onTermination(() -> abandon(waiter));
            dispatch();
        });
    }

    /** The request on {@code granted}'s permit is over: the permit is usable again a second from now. */
    private void release(Waiter granted) {
        synchronized (this) {
            if (granted.permit < 0) {
                return;
            }
            permits.giveBack(granted.permit);
            granted.permit = -1;
        }
        dispatch();
    }

    /** A permit granted but never used for a request: usable again when it would have been. */
    private void returnUnused(Waiter granted) {
        synchronized (this) {
            if (granted.permit < 0) {
                return;
            }
            permits.putBack(granted.permit, granted.permitFreeAt);
            granted.permit = -1;
        }
        dispatch();
    }

    /** Hands free permits to the waiters at the head of the queue; sets a timer for the next one that frees. */
    private void dispatch() {
        while (true) {
            Waiter granted;
            int permit;
            boolean wanted;
            // one permit at a time: grant under the lock, deliver outside it
            synchronized (this) {
                if (waiting == 0) {
                    return;
                }
                permit = permits.earliest();
                if (permits.inFlight(permit)) {
                    return; // every permit is out; a release will call us again
                }
                long now = System.nanoTime();
                long usableAt = Math.max(permits.freeAt(permit), now);
                if (paused && pausedUntil - usableAt > 0) {
                    usableAt = pausedUntil;
                }
                if (usableAt > now) {
                    wakeUpAt(usableAt, now);
                    return;
                }
                granted = nextInFairOrder();
                granted.expiry.cancel(false);
                wanted = granted.wanted.getAsBoolean();
                if (wanted) {
                    granted.permitFreeAt = permits.freeAt(permit);
                    permits.take(permit);
                    granted.permit = permit;
                }
            }
            if (!wanted) {
                granted.emitter.fail(new CallAbandoned()); // nobody waits for it any more: the permit goes to the next
                continue;
            }
            long waited = System.nanoTime() - granted.askedAt;
            if (waited > TimeUnit.MILLISECONDS.toNanos(1)) {
                queued.increment();
                waitTime.record(waited, TimeUnit.NANOSECONDS);
            }
            granted.emitter.complete(granted); // delivered synchronously: the request takes it here, or not at all
            if (!granted.taken) {
                returnUnused(granted); // the caller left as the permit came
            }
        }
    }

    /** Called under the lock with someone waiting: the head of the queue of the caller least served for its weight. */
    private Waiter nextInFairOrder() {
        CallerQueue next = null;
        for (CallerQueue queue : queues.values()) {
            if (next == null || queue.pass < next.pass) {
                next = queue;
            }
        }
        virtualTime = next.pass;
        next.pass += next.stride;
        Waiter waiter = next.waiters.pollFirst();
        waiting--;
        if (next.waiters.isEmpty()) {
            queues.remove(next.caller);
        }
        return waiter;
    }

    /** Called under the lock: takes a waiter out of its queue; false if it was not waiting any more. */
    private boolean unqueue(Waiter waiter) {
        CallerQueue queue = waiter.queue;
        if (queue == null || !queue.waiters.remove(waiter)) {
            return false;
        }
        waiting--;
        if (queue.waiters.isEmpty()) {
            queues.remove(queue.caller, queue);
        }
        return true;
    }

    private void expire(Waiter waiter) {
        long retryAfter;
        synchronized (this) {
            if (!unqueue(waiter)) {
                return;
            }
            retryAfter = estimatedWaitSeconds(System.nanoTime());
        }
        refuse(waiter.emitter, retryAfter);
    }

    /** A caller that went away gives its place (or its unused permit) back. */
    private void abandon(Waiter waiter) {
        synchronized (this) {
            if (unqueue(waiter)) {
                waiter.expiry.cancel(false);
            }
        }
    }

    private void refuse(UniEmitter<? super Waiter> emitter, long retryAfterSeconds) {
        refused.increment();
        emitter.fail(new BudgetSpent(retryAfterSeconds));
    }

    /**
     * Called under the lock: seconds until a newcomer would likely get a permit, the queue ahead
     * served at the rate after any pause; at least 1, at most the longest pause and a deadline more.
     */
    private long estimatedWaitSeconds(long now) {
        long pause = paused ? Math.max(0, pausedUntil - now) : 0;
        long seconds = TimeUnit.NANOSECONDS.toSeconds(pause + Permits.SPAN_NANOS - 1) + 1 + waiting / rate;
        return Math.max(1, Math.min(seconds, maxRetryAfterSeconds));
    }


    /** Called under the lock: makes sure a dispatch runs at {@code at}; one timer at a time, the earliest wanted. */
    private void wakeUpAt(long at, long now) {
        if (wakeUp != null && wakeUpAt <= at) {
            return;
        }
        if (wakeUp != null) {
            wakeUp.cancel(false);
        }
        wakeUpAt = at;
        wakeUp = timers.schedule(this::wokenUp, at - now, TimeUnit.NANOSECONDS);
    }

    private void wokenUp() {
        synchronized (this) {
            wakeUp = null;
            wakeUpAt = Long.MAX_VALUE;
        }
        dispatch();
    }

    private synchronized int queueLength() {
        return waiting;
    }
}
