package io.titlesgateway.titles;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * A failure as the futures that many callers wait on are completed with: a bulk call that fails
 * fails its hundreds of cache entries at once, and each entry has waiters. Completed with a plain
 * exception, every waiting stage would wrap it in a {@link CompletionException} of its own, each
 * filling in a stack trace, which under load cost more CPU than the rest of a refusal; wrapped once
 * here (without a stack trace: the cause has its own), every stage passes this one on as it is.
 * Mutiny unwraps it, so callers see the cause.
 */
public final class SharedFailure extends CompletionException {

    private SharedFailure(Throwable cause) {
        super(cause);
    }

    /** {@code failure}, wrapped once for every future it completes. */
    public static CompletionException of(Throwable failure) {
        return failure instanceof CompletionException wrapped ? wrapped : new SharedFailure(failure);
    }

    /** Fails every one of {@code futures} with {@code failure}, wrapped once for them all. */
    public static void failAll(Iterable<? extends CompletableFuture<?>> futures, Throwable failure) {
        CompletionException shared = of(failure);
        futures.forEach(future -> future.completeExceptionally(shared));
    }

    /** The failure itself, unwrapped from what a future completed with. */
    public static Throwable cause(Throwable completedWith) {
        return completedWith instanceof CompletionException wrapped && wrapped.getCause() != null ? wrapped.getCause() : completedWith;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
