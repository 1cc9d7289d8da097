package io.titlesgateway.titles;

import java.util.List;

import io.smallrye.mutiny.Uni;

/**
 * What answers the Titles surface: Lightcast itself, or the embedded catalog. Every method is lazy
 * (nothing happens before subscription) and never blocks the calling thread. Failures meant for the
 * caller arrive as {@link TitlesException}.
 */
public interface TitlesBackend {

    /**
     * Called once at start-up when this backend serves, or stands by as the fallback: starts what
     * it must have ready before callers come, and registers the health checks of its own mode.
     */
    default void activate() {
    }

    /** Whether this backend can serve callers now, and why not; cheap, and never waits. */
    BackendReadiness readiness();

    Uni<Answer<ServiceStatus>> status();

    Uni<Answer<ServiceMeta>> meta();

    Uni<Answer<List<String>>> versions();

    Uni<Answer<VersionInfo>> version(String version);

    Uni<Answer<VersionChanges>> changes(String version);

    Uni<Answer<List<Title>>> search(String version, TitleSearch search);

    Uni<Answer<List<Title>>> titlesById(String version, List<String> ids, List<String> fields);

    Uni<Answer<Title>> title(String version, String id);

    /**
     * The title this backend can answer at once, from what it holds (a complete cache hit), with
     * no upstream call and nothing to wait for; {@code null} otherwise, and {@link #title} answers.
     */
    default Answer<Title> titleIfAtHand(String version, String id) {
        return null;
    }

    /**
     * The search or listing this backend can answer at once, from what it holds (a complete cache
     * hit), with no upstream call and nothing to wait for; {@code null} otherwise, and {@link #search} answers.
     */
    default Answer<List<Title>> searchIfAtHand(String version, TitleSearch search) {
        return null;
    }

    Uni<Answer<Normalization>> normalize(String version, NormalizeQuery query);

    /**
     * The best match this backend can answer at once, from what it holds (a cached match above the
     * threshold), with no upstream call and nothing to wait for; {@code null} otherwise, and {@link #normalize} answers.
     */
    default Answer<Normalization> normalizeIfAtHand(String version, NormalizeQuery query) {
        return null;
    }

    Uni<Answer<List<Normalization>>> inspect(String version, NormalizeQuery query);

    Uni<Answer<List<BulkNormalization>>> bulk(String version, BulkQuery query);

    /**
     * One outcome per term of {@code query}, in its order, for a stream: a term that cannot be
     * answered gets its own failure instead of failing the others. Fails as a whole only for what
     * concerns every term (the version, the fields); with no terms it checks just that.
     */
    Uni<List<TermOutcome>> normalizeEach(String version, BulkQuery query);
}
