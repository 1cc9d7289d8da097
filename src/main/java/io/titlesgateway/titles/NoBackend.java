package io.titlesgateway.titles;

import java.util.List;

import io.smallrye.mutiny.Uni;

/** Stands in when Lightcast is demanded but has no credentials: every call answers 503 saying what to set. */
final class NoBackend implements TitlesBackend {

    static final String DETAIL = "TITLES_BACKEND=lightcast but no Lightcast credentials are set: set LIGHTCAST_CLIENT_ID "
            + "and LIGHTCAST_CLIENT_SECRET, or let TITLES_BACKEND=auto serve the embedded catalog.";

    private static <T> Uni<Answer<T>> refuse() {
        return Uni.createFrom().failure(() -> TitlesException.unavailable(DETAIL, 60));
    }

    @Override
    public BackendReadiness readiness() {
        return BackendReadiness.down(DETAIL);
    }

    @Override
    public Uni<Answer<ServiceStatus>> status() {
        return refuse();
    }

    @Override
    public Uni<Answer<ServiceMeta>> meta() {
        return refuse();
    }

    @Override
    public Uni<Answer<List<String>>> versions() {
        return refuse();
    }

    @Override
    public Uni<Answer<VersionInfo>> version(String version) {
        return refuse();
    }

    @Override
    public Uni<Answer<VersionChanges>> changes(String version) {
        return refuse();
    }

    @Override
    public Uni<Answer<List<Title>>> search(String version, TitleSearch search) {
        return refuse();
    }

    @Override
    public Uni<Answer<List<Title>>> titlesById(String version, List<String> ids, List<String> fields) {
        return refuse();
    }

    @Override
    public Uni<Answer<Title>> title(String version, String id) {
        return refuse();
    }

    @Override
    public Uni<Answer<Normalization>> normalize(String version, NormalizeQuery query) {
        return refuse();
    }

    @Override
    public Uni<Answer<List<Normalization>>> inspect(String version, NormalizeQuery query) {
        return refuse();
    }

    @Override
    public Uni<Answer<List<BulkNormalization>>> bulk(String version, BulkQuery query) {
        return refuse();
    }

    @Override
    public Uni<List<TermOutcome>> normalizeEach(String version, BulkQuery query) {
        return Uni.createFrom().failure(() -> TitlesException.unavailable(DETAIL, 60));
    }
}
