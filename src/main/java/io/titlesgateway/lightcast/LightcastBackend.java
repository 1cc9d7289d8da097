package io.titlesgateway.lightcast;

import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.rest.client.inject.RestClient;
import org.jboss.resteasy.reactive.RestResponse;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.titles.Answer;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.Quota;
import io.titlesgateway.titles.ServiceMeta;
import io.titlesgateway.titles.ServiceStatus;
import io.titlesgateway.titles.Source;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitleSearch;
import io.titlesgateway.titles.TitlesBackend;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.VersionChanges;
import io.titlesgateway.titles.VersionInfo;

/**
 * The Lightcast backend: every call goes through the REST client, is retried once with a fresh
 * token when Lightcast refuses the current one, and has its failures translated for the caller.
 * Requests Lightcast would certainly refuse (a malformed version or title id) are answered here,
 * without spending upstream budget.
 */
@ApplicationScoped
@Identifier("lightcast")
public class LightcastBackend implements TitlesBackend {

    private static final Pattern VERSION = Pattern.compile("latest|\\d{1,4}\\.\\d{1,4}");
    private static final Pattern TITLE_ID = Pattern.compile("ET[0-9A-F]{16}");

    private final LightcastApi api;

    @Inject
    LightcastBackend(@RestClient LightcastApi api) {
        this.api = api;
    }

    @Override
    public Uni<Answer<ServiceStatus>> status() {
        return call("/status", api::status).map(envelope -> fresh(envelope.data()));
    }

    @Override
    public Uni<Answer<ServiceMeta>> meta() {
        return call("/meta", api::meta).map(envelope -> fresh(envelope.data()));
    }

    @Override
    public Uni<Answer<List<String>>> versions() {
        return call("/versions", api::versions).map(envelope -> fresh(envelope.data()));
    }

    @Override
    public Uni<Answer<VersionInfo>> version(String version) {
        return checked(version, "/versions/{version}", () -> api.version(version))
                .map(envelope -> fresh(envelope.data()));
    }

    @Override
    public Uni<Answer<VersionChanges>> changes(String version) {
        return checked(version, "/versions/{version}/changes", () -> api.changes(version))
                .map(envelope -> fresh(envelope.data()));
    }

    @Override
    public Uni<Answer<List<Title>>> search(String version, TitleSearch search) {
        String fields = String.join(",", search.fields());
        return checked(version, "/titles",
                () -> api.search(version, search.q(), search.limit(), search.page(), fields))
                .map(envelope -> fresh(envelope.data()));
    }

    @Override
    public Uni<Answer<List<Title>>> titlesById(String version, List<String> ids, List<String> fields) {
        return checked(version, "/titles", () -> api.titlesById(version, new LightcastCalls.ByIds(ids, fields)))
                .map(envelope -> fresh(envelope.data()));
    }

    @Override
    public Uni<Answer<Title>> title(String version, String id) {
        if (!TITLE_ID.matcher(id).matches()) {
            return Uni.createFrom().failure(() -> TitlesException.notFound("Unrecognized title id: " + id
                    + " (Lightcast title ids are ET followed by 16 upper-case hex digits)"));
        }
        return checked(version, "/titles/{id}", () -> api.title(version, id)).map(envelope -> fresh(envelope.data()));
    }

    @Override
    public Uni<Answer<Normalization>> normalize(String version, NormalizeQuery query) {
        var body = new LightcastCalls.Normalize(query.term(), query.fields(), query.confidenceThreshold());
        return checked(version, "/normalize", () -> api.normalize(version, body)).map(LightcastBackend::withQuota);
    }

    @Override
    public Uni<Answer<List<Normalization>>> inspect(String version, NormalizeQuery query) {
        var body = new LightcastCalls.Inspect(query.term(), query.fields(), query.confidenceThreshold(), query.limit());
        return checked(version, "/normalize/inspect", () -> api.inspect(version, body)).map(LightcastBackend::withQuota);
    }

    @Override
    public Uni<Answer<List<BulkNormalization>>> bulk(String version, BulkQuery query) {
        var body = new LightcastCalls.Bulk(query.terms(), query.fields(), query.confidenceThreshold());
        return checked(version, "/normalize/bulk", () -> api.bulk(version, body)).map(LightcastBackend::withQuota);
    }

    private <T> Uni<T> checked(String version, String endpoint, Supplier<Uni<? extends T>> request) {
        if (!VERSION.matcher(version).matches()) {
            return Uni.createFrom().failure(() -> TitlesException.notFound("Unrecognized version: " + version));
        }
        return call(endpoint, request);
    }

    /**
     * One upstream call. A 401 means Lightcast no longer accepts the token we hold (revoked, or
     * expired early): the OIDC filter has marked it stale, so the single retry goes out with a new one.
     */
    private static <T> Uni<T> call(String endpoint, Supplier<Uni<? extends T>> request) {
        Uni<T> attempt = Uni.createFrom().deferred(request);
        return attempt
                .onFailure(LightcastErrors::isUnauthorized).recoverWithUni(() -> Uni.createFrom().<T>deferred(request))
                .onFailure().transform(failure -> LightcastErrors.translate(failure, endpoint));
    }

    private static <T> Answer<T> fresh(T data) {
        return Answer.fresh(data, Source.LIGHTCAST);
    }

    private static <T> Answer<T> withQuota(RestResponse<LightcastEnvelope<T>> response) {
        Quota quota = new Quota(response.getHeaderString("RateLimit-Remaining"),
                response.getHeaderString("RateLimit-Reset"));
        return fresh(response.getEntity().data()).withQuota(quota);
    }
}
