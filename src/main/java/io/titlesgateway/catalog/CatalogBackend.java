package io.titlesgateway.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.titlesgateway.titles.Answer;
import io.titlesgateway.titles.BackendReadiness;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.Spans;
import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.ServiceMeta;
import io.titlesgateway.titles.ServiceStatus;
import io.titlesgateway.titles.Source;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitleFields;
import io.titlesgateway.titles.TitleSearch;
import io.titlesgateway.titles.TitlesBackend;
import io.titlesgateway.titles.TermOutcome;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.VersionChanges;
import io.titlesgateway.titles.VersionInfo;

/**
 * The whole Titles surface answered from the embedded catalog, in Lightcast's shapes, with the
 * catalog's own version and ids. Lookups run on the caller's thread; matching, which is CPU work,
 * runs on a worker thread so an event loop is never held.
 */
@ApplicationScoped
@Identifier("catalog")
public class CatalogBackend implements TitlesBackend {

    /**
     * Every field Lightcast accepts, so that a client asking for any of them works unchanged:
     * {@code pluralName} derived from the name, {@code levelBand} always null (the open data has none).
     */
    public static final List<String> FIELDS = TitleFields.KNOWN;
    /** A Lightcast version name, such as 5.47, that a client may be pinned to. */
    private static final Pattern LIGHTCAST_VERSION = Pattern.compile("[0-9]{1,3}\\.[0-9]{1,3}");
    static final String NO_MATCH = "No title matched the term with the requested confidence";
    static final String ATTRIBUTION = "This product includes information from the O*NET 30.0 and O*NET 29.3 Databases "
            + "by the U.S. Department of Labor, Employment and Training Administration (USDOL/ETA), used under the CC BY 4.0 "
            + "license (https://creativecommons.org/licenses/by/4.0/). The information has been modified (reformatted and "
            + "combined) by the project; USDOL/ETA has not approved, endorsed, or tested these modifications. O*NET® is a "
            + "trademark of USDOL/ETA. SOC codes and names: U.S. Bureau of Labor Statistics, 2018 Standard Occupational "
            + "Classification (https://www.bls.gov/soc/), public domain.";
    private static final int DEFAULT_LIMIT = 10;

    private final Catalog catalog;

    @Inject
    Spans spans;

    @Inject
    CatalogBackend(Catalog catalog) {
        this.catalog = catalog;
    }

    @Override
    public void activate() {
        catalog.loadInBackground();
    }

    @Override
    public BackendReadiness readiness() {
        return catalog.isLoaded() ? BackendReadiness.up("the catalog " + Catalog.VERSION + " is loaded")
                : BackendReadiness.down("the catalog is loading");
    }

    @Override
    public Uni<Answer<ServiceStatus>> status() {
        return answer(() -> new ServiceStatus("Catalog " + Catalog.VERSION + " serves " + index().size() + " titles",
                true));
    }

    @Override
    public Uni<Answer<ServiceMeta>> meta() {
        return answer(() -> new ServiceMeta(new ServiceMeta.Attribution("O*NET and SOC 2018 open data", ATTRIBUTION),
                Catalog.VERSION));
    }

    @Override
    public Uni<Answer<List<String>>> versions() {
        return answer(() -> List.of(Catalog.VERSION));
    }

    @Override
    public Uni<Answer<VersionInfo>> version(String version) {
        return answer(() -> {
            known(version);
            return new VersionInfo(Catalog.VERSION, FIELDS,
                    Map.of("soc", List.of("soc_2018"), "skill", List.of(Catalog.VERSION)), index().size(), 0);
        });
    }

    @Override
    public Uni<Answer<VersionChanges>> changes(String version) {
        return answer(() -> {
            known(version);
            return new VersionChanges(List.of(), List.of(), List.of());
        });
    }

    @Override
    public Uni<Answer<List<Title>>> search(String version, TitleSearch search) {
        return answer(() -> {
            known(version);
            int limit = search.limit() == null ? DEFAULT_LIMIT : search.limit();
            int offset = (search.page() == null ? 0 : search.page() - 1) * limit;
            List<CatalogTitle> found = search.q() == null ? index().listing(offset, limit)
                    : index().search(search.q(), offset, limit);
            return found.stream().map(title -> index().asTitle(title)).toList();
        });
    }

    @Override
    public Uni<Answer<List<Title>>> titlesById(String version, List<String> ids, List<String> fields) {
        return answer(() -> {
            known(version);
            return ids.stream().distinct().map(index()::byId).filter(title -> title != null)
                    .map(title -> index().asTitle(title)).toList();
        });
    }

    @Override
    public Uni<Answer<Title>> title(String version, String id) {
        return answer(() -> {
            known(version);
            CatalogTitle title = index().byId(id);
            if (title == null) {
                throw TitlesException.notFound("Unrecognized title id: " + id);
            }
            return index().asTitle(title);
        });
    }

    @Override
    public Uni<Answer<Normalization>> normalize(String version, NormalizeQuery query) {
        return matching(() -> {
            known(version);
            List<Normalization> best = candidates(query.term(), 1, query.confidenceThreshold());
            if (best.isEmpty()) {
                throw new TitlesException(404, "Not Found", NO_MATCH);
            }
            return best.get(0);
        });
    }

    @Override
    public Uni<Answer<List<Normalization>>> inspect(String version, NormalizeQuery query) {
        return matching(() -> {
            known(version);
            return candidates(query.term(), query.limit(), query.confidenceThreshold());
        });
    }

    @Override
    public Uni<Answer<List<BulkNormalization>>> bulk(String version, BulkQuery query) {
        return bulkItems(version, query).map(items -> Answer.fresh(items, Source.CATALOG));
    }

    @Override
    public Uni<List<TermOutcome>> normalizeEach(String version, BulkQuery query) {
        return bulkItems(version, query).map(items -> items.stream().map(TermOutcome::of).toList());
    }

    /**
     * One bulk item per term, in order: each distinct term matched once, the distinct terms split
     * across the cores (matching is CPU work, on worker threads).
     */
    private Uni<List<BulkNormalization>> bulkItems(String version, BulkQuery query) {
        return Uni.createFrom().item(() -> {
            known(version);
            return query.terms().stream().distinct().toList();
        }).chain(distinct -> {
            if (distinct.isEmpty()) {
                return Uni.createFrom().item(List.<BulkNormalization>of());
            }
            int parts = Math.min(distinct.size(), Runtime.getRuntime().availableProcessors());
            int size = (distinct.size() + parts - 1) / parts;
            List<Uni<List<BulkNormalization>>> matched = new ArrayList<>();
            for (int from = 0; from < distinct.size(); from += size) {
                List<String> part = distinct.subList(from, Math.min(distinct.size(), from + size));
                matched.add(Uni.createFrom().item(() -> part.stream().map(term -> bulkItem(term, query.confidenceThreshold())).toList())
                        .runSubscriptionOn(Infrastructure.getDefaultWorkerPool()));
            }
            return Uni.join().all(matched).andFailFast().map(answered -> {
                Map<String, BulkNormalization> byTerm = new HashMap<>();
                answered.forEach(items -> items.forEach(item -> byTerm.put(item.term(), item)));
                return query.terms().stream().map(byTerm::get).toList();
            });
        });
    }

    /** One bulk item: the best match, its title withheld below the threshold, as upstream does. */
    BulkNormalization bulkItem(String term, double threshold) {
        List<RawTitle> readings = TitleCleaner.readings(term);
        RawTitle raw = readings.get(0);
        List<CatalogIndex.Candidate> best = index().match(readings, 1, 0);
        if (best.isEmpty()) {
            return new BulkNormalization(term, 0, raw.jobLevels(), null);
        }
        CatalogIndex.Candidate top = best.get(0);
        Title title = top.confidence() >= threshold ? index().asTitle(top.title()) : null;
        return new BulkNormalization(term, round(top.confidence()), raw.jobLevels(), title);
    }

    private List<Normalization> candidates(String term, int limit, double threshold) {
        List<RawTitle> readings = TitleCleaner.readings(term);
        RawTitle raw = readings.get(0);
        return index().match(readings, limit, threshold).stream()
                .map(candidate -> new Normalization(round(candidate.confidence()), raw.jobLevels(),
                        index().asTitle(candidate.title())))
                .toList();
    }

    /** The loaded index; until it is there (the first seconds after start), a 503 rather than a wait. */
    private CatalogIndex index() {
        CatalogIndex index = catalog.loadedIndex();
        if (index == null) {
            throw TitlesException.unavailable("The catalog is still loading; try again in a moment.", 1);
        }
        return index;
    }

    private static double round(double confidence) {
        return Math.round(confidence * 10_000) / 10_000.0;
    }

    /**
     * The catalog answers {@code latest}, its own version, and a Lightcast version name a client is
     * pinned to ({@code 5.47}): such a client works unchanged, and {@code X-Titles-Source: catalog}
     * and the catalog's own version in {@code /versions/{v}} tell it what answered.
     */
    private static void known(String version) {
        if (!version.equals("latest") && !version.equals(Catalog.VERSION) && !LIGHTCAST_VERSION.matcher(version).matches()) {
            throw TitlesException.notFound("Unrecognized version: " + version + " (the catalog serves " + Catalog.VERSION + ")");
        }
    }

    private static <T> Uni<Answer<T>> answer(Supplier<T> data) {
        return Uni.createFrom().item(() -> Answer.fresh(data.get(), Source.CATALOG));
    }

    private <T> Uni<Answer<T>> matching(Supplier<T> data) {
        return spans.around("titles.catalog.match", () -> answer(data).runSubscriptionOn(Infrastructure.getDefaultWorkerPool()),
                (span, answer) -> { });
    }
}
