package io.titlesgateway.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.StartupEvent;
import io.titlesgateway.config.TitlesConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

/**
 * The answer store of a replica with a data directory ({@code TITLES_DATA_DIR}): an
 * {@link AnswerFile} read and written off the event loop, on threads of its own. Reads run two at
 * a time and complete on the context that asked; writes go one at a time, queued (a full queue
 * drops the write, counted, never the caller's answer) and flushed to the device every second.
 * Without a data directory it holds nothing and every lookup misses at once.
 */
@ApplicationScoped
public class AnswerStore {

    private static final Logger LOG = Logger.getLogger(AnswerStore.class);
    private static final int QUEUED = 10_000;

    private final TitlesConfig config;
    private final MeterRegistry registry;
    private volatile AnswerFile file;
    private ThreadPoolExecutor readers;
    private ThreadPoolExecutor writer;
    private ScheduledExecutorService syncer;
    private Counter hits;
    private Counter misses;
    private Counter failures;
    private Counter written;
    private Counter dropped;

    @Inject
    public AnswerStore(TitlesConfig config, MeterRegistry registry) {
        this.config = config;
        this.registry = registry;
    }

    /** Opens the store as the replica starts, reading it back: a store another process holds stops the start, saying why. */
    void open(@Observes StartupEvent started) throws IOException {
        if (config.dataDir().filter(dir -> !dir.isBlank()).isEmpty()) {
            return;
        }
        Path directory = Path.of(config.dataDir().get());
        long began = System.nanoTime();
        file = AnswerFile.open(directory, config.storeMaxSize().asLongValue());
        LOG.infof("Answer store %s opened: %d answers, %d bytes, read back in %d ms", directory, file.size(), file.bytes(),
                (System.nanoTime() - began) / 1_000_000);
        readers = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED), named("answer-store-read"));
        writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new ArrayBlockingQueue<>(QUEUED), named("answer-store-write"));
        syncer = Executors.newSingleThreadScheduledExecutor(named("answer-store-sync"));
        syncer.scheduleWithFixedDelay(this::sync, 1, 1, TimeUnit.SECONDS);
        Gauge.builder("titles.store.answers", this, store -> store.file == null ? 0 : store.file.size())
                .description("Answers the answer store holds").register(registry);
        Gauge.builder("titles.store.bytes", this, store -> store.file == null ? 0 : store.file.bytes())
                .description("Size of the answer store's file").baseUnit("bytes").register(registry);
        hits = lookups("hit");
        misses = lookups("miss");
        failures = lookups("error");
        written = writes("written");
        dropped = writes("dropped");
    }

    private Counter lookups(String outcome) {
        return Counter.builder("titles.store.lookups").tag("outcome", outcome)
                .description("Lookups in the answer store, by outcome").register(registry);
    }

    private Counter writes(String outcome) {
        return Counter.builder("titles.store.writes").tag("outcome", outcome)
                .description("Answers written to the answer store, or dropped because its queue was full").register(registry);
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Whether a data directory is configured and the store is open. */
    public boolean enabled() {
        return file != null;
    }

    /**
     * The answers kept under {@code keys} (absent ones are left out), completed on the Vert.x
     * context that asked, if any; a failure to read counts as a miss.
     */
    public CompletableFuture<Map<String, AnswerFile.Stored>> find(Collection<String> keys) {
        CompletableFuture<Map<String, AnswerFile.Stored>> found = new CompletableFuture<>();
        if (file == null || keys.isEmpty()) {
            found.complete(Map.of());
            return found;
        }
        Context asked = Vertx.currentContext();
        try {
            readers.execute(() -> {
                Map<String, AnswerFile.Stored> answers = new LinkedHashMap<>();
                for (String key : keys) {
                    try {
                        AnswerFile.Stored stored = file.get(key);
                        if (stored != null) {
                            answers.put(key, stored);
                        }
                    } catch (IOException | RuntimeException unreadable) {
                        failures.increment();
                        LOG.debugf("The answer store could not read %s: %s", key, unreadable);
                    }
                }
                hits.increment(answers.size());
                misses.increment(keys.size() - answers.size());
                completeOn(asked, () -> found.complete(answers));
            });
        } catch (RejectedExecutionException busy) {
            misses.increment(keys.size());
            found.complete(Map.of());
        }
        return found;
    }

    /** Keeps {@code value} under {@code key}, later, on the writer's thread. */
    public void keep(String key, String value) {
        if (file == null) {
            return;
        }
        long now = System.currentTimeMillis();
        try {
            writer.execute(() -> {
                try {
                    file.put(key, value, now);
                    written.increment();
                } catch (IOException | UncheckedIOException failure) {
                    LOG.warnf("The answer store could not write an answer: %s", failure);
                }
            });
        } catch (RejectedExecutionException full) {
            dropped.increment();
        }
    }

    private void sync() {
        try {
            AnswerFile open = file;
            if (open != null) {
                open.sync();
            }
        } catch (IOException | RuntimeException failure) {
            LOG.warnf("The answer store could not be flushed: %s", failure);
        }
    }

    /** Writes what is queued, then closes the file: a replica that stops keeps every answer it was given. */
    @PreDestroy
    void close() {
        if (file == null) {
            return;
        }
        syncer.shutdownNow();
        readers.shutdownNow();
        writer.shutdown();
        try {
            writer.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
        file.close();
        file = null;
    }

    private static void completeOn(Context context, Runnable completion) {
        if (context == null) {
            completion.run();
        } else {
            context.runOnContext(unused -> completion.run());
        }
    }
}
