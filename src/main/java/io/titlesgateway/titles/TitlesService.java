package io.titlesgateway.titles;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.function.Function;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.LightcastConfig;
import io.titlesgateway.config.TitlesConfig;

/**
 * The one entry point of the resources: picks the backend that serves this gateway
 * ({@code TITLES_BACKEND}) and delegates to it; with {@code TITLES_FALLBACK=catalog}, normalize
 * requests Lightcast cannot answer go to the catalog instead.
 */
@ApplicationScoped
public class TitlesService implements TitlesBackend {

    private static final Logger LOG = Logger.getLogger(TitlesService.class);

    /** Which backend serves, for logs and readiness. */
    public enum Serving {
        LIGHTCAST,
        CATALOG,
        NOTHING
    }

    private final Serving serving;
    private final TitlesBackend backend;
    private final TitlesBackend fallback;
    @Inject
    TitlesService(TitlesConfig config, LightcastConfig lightcast, @Identifier("lightcast") Instance<TitlesBackend> lightcastBackend,
            @Identifier("catalog") Instance<TitlesBackend> catalogBackend) {
        this.serving = switch (config.backend()) {
            case AUTO -> lightcast.credentialsConfigured() ? Serving.LIGHTCAST : Serving.CATALOG;
            case LIGHTCAST -> lightcast.credentialsConfigured() ? Serving.LIGHTCAST : Serving.NOTHING;
            case CATALOG -> Serving.CATALOG;
        };
        this.backend = switch (serving) {
            case LIGHTCAST -> lightcastBackend.get();
            case CATALOG -> catalogBackend.get();
            case NOTHING -> new NoBackend();
        };
        this.fallback = serving == Serving.LIGHTCAST && config.fallback() == TitlesConfig.Fallback.CATALOG
                ? catalogBackend.get() : null;
    }

    void announce(@Observes StartupEvent event) {
        if (serving == Serving.NOTHING) {
            LOG.warn(NoBackend.DETAIL + " Until then every /titles request answers 503.");
            return;
        }
        backend.activate();
        if (fallback != null) {
            fallback.activate();
        }
        LOG.infof("Titles backend: %s%s", serving.name().toLowerCase(Locale.ROOT),
                fallback == null ? "" : ", normalize falls back to the catalog");
    }

    public Serving serving() {
        return serving;
    }

    /**
     * Whether this replica can serve callers now: the selected backend says so; with Lightcast
     * serving and the catalog as fallback, also while Lightcast cannot, once the catalog is loaded.
     */
    public BackendReadiness readiness() {
        BackendReadiness primary = backend.readiness();
        if (primary.ready() || fallback == null) {
            return primary;
        }
        BackendReadiness standby = fallback.readiness();
        return standby.ready() ? BackendReadiness.up(primary.reason() + "; the catalog answers normalize meanwhile") : primary;
    }

    @Override
    public Uni<Answer<ServiceStatus>> status() {
        return backend.status();
    }

    @Override
    public Uni<Answer<ServiceMeta>> meta() {
        return backend.meta();
    }

    @Override
    public Uni<Answer<List<String>>> versions() {
        return backend.versions();
    }

    @Override
    public Uni<Answer<VersionInfo>> version(String version) {
        return backend.version(version);
    }

    @Override
    public Uni<Answer<VersionChanges>> changes(String version) {
        return backend.changes(version);
    }

    @Override
    public Uni<Answer<List<Title>>> search(String version, TitleSearch search) {
        return backend.search(version, search);
    }

    @Override
    public Uni<Answer<List<Title>>> titlesById(String version, List<String> ids, List<String> fields) {
        return backend.titlesById(version, ids, fields);
    }

    @Override
    public Uni<Answer<Title>> title(String version, String id) {
        return backend.title(version, id);
    }

    @Override
    public Answer<Title> titleIfAtHand(String version, String id) {
        return backend.titleIfAtHand(version, id);
    }

    @Override
    public Answer<Normalization> normalizeIfAtHand(String version, NormalizeQuery query) {
        return backend.normalizeIfAtHand(version, query);
    }

    @Override
    public Answer<List<Title>> searchIfAtHand(String version, TitleSearch search) {
        return backend.searchIfAtHand(version, search);
    }

    @Override
    public Uni<Answer<Normalization>> normalize(String version, NormalizeQuery query) {
        return withFallback(backend.normalize(version, query), catalogAnswer -> catalogAnswer.normalize("latest", query));
    }

    @Override
    public Uni<Answer<List<Normalization>>> inspect(String version, NormalizeQuery query) {
        return withFallback(backend.inspect(version, query), catalogAnswer -> catalogAnswer.inspect("latest", query));
    }

    @Override
    public Uni<Answer<List<BulkNormalization>>> bulk(String version, BulkQuery query) {
        return withFallback(backend.bulk(version, query), catalogAnswer -> catalogAnswer.bulk("latest", query));
    }

    @Override
    public Uni<List<TermOutcome>> normalizeEach(String version, BulkQuery query) {
        Uni<List<TermOutcome>> primary = backend.normalizeEach(version, query);
        if (fallback == null) {
            return primary;
        }
        return primary.chain(outcomes -> {
            List<String> unanswered = outcomes.stream()
                    .filter(outcome -> outcome.failed() && lightcastCannotAnswer(outcome.failure()))
                    .map(TermOutcome::term).distinct().toList();
            if (unanswered.isEmpty()) {
                return Uni.createFrom().item(outcomes);
            }
            BulkQuery retry = new BulkQuery(unanswered, query.fields(), query.confidenceThreshold());
            return fallback.normalizeEach("latest", retry).map(answered -> merged(outcomes, answered))
                    .onFailure().recoverWithItem(outcomes);
        });
    }

    /** The outcomes, each term Lightcast could not answer replaced by the catalog's answer for it. */
    private static List<TermOutcome> merged(List<TermOutcome> outcomes, List<TermOutcome> fromCatalog) {
        Map<String, TermOutcome> byTerm = new HashMap<>();
        fromCatalog.forEach(outcome -> byTerm.putIfAbsent(outcome.term(), outcome));
        return outcomes.stream()
                .map(outcome -> outcome.failed() ? byTerm.getOrDefault(outcome.term(), outcome) : outcome)
                .toList();
    }

    /** Lightcast could not answer (down, failing, over its limits, refusing our credentials): the catalog answers. */
    private <T> Uni<Answer<T>> withFallback(Uni<Answer<T>> primary, Function<TitlesBackend, Uni<Answer<T>>> alternative) {
        if (fallback == null) {
            return primary;
        }
        return primary.onFailure(TitlesService::lightcastCannotAnswer).recoverWithUni(() -> alternative.apply(fallback));
    }

    private static boolean lightcastCannotAnswer(Throwable failure) {
        return failure instanceof TitlesException answer && (answer.status() == 429 || answer.status() >= 500);
    }
}
