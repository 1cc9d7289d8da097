package io.titlesgateway.titles;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.LightcastConfig;

/** The one entry point of the resources: picks the backend that serves this gateway and delegates to it. */
@ApplicationScoped
public class TitlesService implements TitlesBackend {

    private static final Logger LOG = Logger.getLogger(TitlesService.class);

    private final TitlesBackend backend;
    private final boolean configured;

    @Inject
    TitlesService(LightcastConfig lightcast, @Identifier("lightcast") Instance<TitlesBackend> lightcastBackend) {
        this.configured = lightcast.credentialsConfigured();
        this.backend = configured ? lightcastBackend.get() : new NoBackend();
    }

    void announce(@Observes StartupEvent event) {
        if (configured) {
            LOG.info("Titles backend: lightcast");
        } else {
            LOG.warn(NoBackend.DETAIL + " Until then every /titles request answers 503.");
        }
    }

    /** Whether a backend is configured at all; readiness reports it. */
    public boolean isConfigured() {
        return configured;
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
    public Uni<Answer<Normalization>> normalize(String version, NormalizeQuery query) {
        return backend.normalize(version, query);
    }

    @Override
    public Uni<Answer<List<Normalization>>> inspect(String version, NormalizeQuery query) {
        return backend.inspect(version, query);
    }

    @Override
    public Uni<Answer<List<BulkNormalization>>> bulk(String version, BulkQuery query) {
        return backend.bulk(version, query);
    }
}
