package io.titlesgateway.titles;

import java.util.function.BiConsumer;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;

/**
 * The gateway's own spans, for what a caller's request waits on: the cache, the budget, the
 * catalog's match, a bulk call. Work that goes on elsewhere (a permit granted by a timer, a retry)
 * is started in the context it was asked in, so its spans, the REST client's among them, stay
 * children of the request that wanted it. With tracing off every span is a no-op.
 */
@ApplicationScoped
public class Spans {

    /** The span of a cache lookup, and what it says: which cache, and HIT, MISS or STALE. */
    public static final String CACHE = "titles.cache";
    public static final String CACHE_NAME = "titles.cache.name";
    public static final String CACHE_STATE = "titles.cache.state";
    /** The caller's id, on the request's span and its admission's. */
    public static final String CALLER = "titles.caller";

    private final Tracer tracer;

    @Inject
    public Spans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** A span, child of the current one, started now; the caller ends it. */
    public Span start(String name) {
        return tracer.spanBuilder(name).setParent(Context.current()).startSpan();
    }

    /** A span, child of {@code parent}, started now, or none if {@code parent} is in no trace; the caller ends it. */
    public Span start(String name, Context parent) {
        if (!Span.fromContext(parent).getSpanContext().isValid()) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder(name).setParent(parent).startSpan();
    }

    /** A span with no parent: work no single request asked for, such as a bulk call many requests ride in. */
    public Span startRoot(String name) {
        return tracer.spanBuilder(name).setNoParent().startSpan();
    }

    /**
     * {@code work} in a child span of the current one, subscribed inside it (so what it starts is
     * its child too), ended when the work ends; {@code describe} adds what the item says.
     */
    public <T> Uni<T> around(String name, Supplier<Uni<T>> work, BiConsumer<Span, T> describe) {
        return Uni.createFrom().deferred(() -> {
            if (!Span.current().getSpanContext().isSampled()) {
                return work.get(); // tracing is off, or this request is not sampled: nothing to add to
            }
            Span span = start(name);
            return within(Context.current().with(span), work)
                    .onItem().invoke(item -> describe.accept(span, item))
                    .onFailure().invoke(failure -> failed(span, failure))
                    .onTermination().invoke(span::end);
        });
    }

    /** {@code work}, made and subscribed with {@code context} current, wherever the subscription happens. */
    public static <T> Uni<T> within(Context context, Supplier<Uni<T>> work) {
        return Uni.createFrom().emitter(emitter -> {
            Cancellable subscription;
            try (Scope scope = context.makeCurrent()) {
                subscription = work.get().subscribe().with(emitter::complete, emitter::fail);
            }
            emitter.onTermination(subscription::cancel);
        });
    }

    /** Marks {@code span} failed, naming the failure's kind (its message may carry a caller's term). */
    public static void failed(Span span, Throwable failure) {
        span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName());
    }
}
