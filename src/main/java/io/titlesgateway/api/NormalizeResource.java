package io.titlesgateway.api;

import java.util.List;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.resteasy.reactive.jackson.CustomDeserialization;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.TitleFields;
import io.titlesgateway.titles.TitlesService;

/**
 * The normalization half of the surface. Each endpoint takes JSON (options in the body) or
 * text/plain (options in the query string); as upstream, query options are ignored for JSON.
 */
@Path("/titles/versions/{version}/normalize")
@Tag(name = "Normalize")
@Produces(MediaType.APPLICATION_JSON)
public class NormalizeResource {

    @Inject
    TitlesService titles;

    @Operation(summary = "The best title for a raw title (a JSON body, or text/plain with the options in the query)")
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJson.class)
    public Uni<RestResponse<DataEnvelope<NormalizationView>>> normalize(
            @RestPath String version,
            NormalizeRequest body) {
        NormalizeQuery query = Violations.required(body, "a JSON body with a term is required").toQuery();
        return normalize(InputLimits.version(version), query);
    }

    @Operation(summary = "The best title for a raw title (a JSON body, or text/plain with the options in the query)")
    @POST
    @Consumes(MediaType.TEXT_PLAIN)
    public Uni<RestResponse<DataEnvelope<NormalizationView>>> normalizeText(
            @RestPath String version,
            @RestQuery String confidenceThreshold, @RestQuery String fields, byte[] body) {
        return normalize(InputLimits.version(version), new NormalizeQuery(PlainTextTerms.single(body), TitleFields.selectFromQuery(fields),
                QueryOptions.confidenceThreshold(confidenceThreshold), NormalizeQuery.DEFAULT_INSPECT_LIMIT));
    }

    @Operation(summary = "Ranked candidate titles for a raw title (a JSON body, or text/plain with the options in the query)")
    @POST
    @Path("/inspect")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJson.class)
    public Uni<RestResponse<DataEnvelope<List<NormalizationView>>>> inspect(
            @RestPath String version,
            InspectRequest body) {
        NormalizeQuery query = Violations.required(body, "a JSON body with a term is required").toQuery();
        return inspect(InputLimits.version(version), query);
    }

    @Operation(summary = "Ranked candidate titles for a raw title (a JSON body, or text/plain with the options in the query)")
    @POST
    @Path("/inspect")
    @Consumes(MediaType.TEXT_PLAIN)
    public Uni<RestResponse<DataEnvelope<List<NormalizationView>>>> inspectText(
            @RestPath String version,
            @RestQuery String confidenceThreshold, @RestQuery String fields, @RestQuery String limit, byte[] body) {
        Integer candidates = QueryOptions.wholeNumber("limit", limit, 0, InputLimits.MAX_INSPECT_LIMIT);
        return inspect(InputLimits.version(version), new NormalizeQuery(PlainTextTerms.single(body), TitleFields.selectFromQuery(fields),
                QueryOptions.confidenceThreshold(confidenceThreshold),
                candidates == null ? NormalizeQuery.DEFAULT_INSPECT_LIMIT : candidates));
    }

    @Operation(summary = "The best title for each of up to 500 raw titles (a JSON body, or text/plain, one per line)")
    @POST
    @Path("/bulk")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJson.class)
    public Uni<RestResponse<DataEnvelope<List<BulkItemView>>>> bulk(
            @RestPath String version,
            BulkRequest body) {
        BulkQuery query = Violations.required(body, "a JSON body with terms is required").toQuery();
        return bulk(InputLimits.version(version), query);
    }

    @Operation(summary = "The best title for each of up to 500 raw titles (a JSON body, or text/plain, one per line)")
    @POST
    @Path("/bulk")
    @Consumes(MediaType.TEXT_PLAIN)
    public Uni<RestResponse<DataEnvelope<List<BulkItemView>>>> bulkText(
            @RestPath String version,
            @RestQuery String confidenceThreshold, @RestQuery String fields, byte[] body) {
        return bulk(InputLimits.version(version), new BulkQuery(PlainTextTerms.lines(body), TitleFields.selectFromQuery(fields),
                QueryOptions.confidenceThreshold(confidenceThreshold)));
    }

    private Uni<RestResponse<DataEnvelope<NormalizationView>>> normalize(String version, NormalizeQuery query) {
        return titles.normalize(version, query)
                .map(answer -> Responses.ok(answer, result -> NormalizationView.of(result, query.fields())));
    }

    private Uni<RestResponse<DataEnvelope<List<NormalizationView>>>> inspect(String version, NormalizeQuery query) {
        return titles.inspect(version, query).map(answer -> Responses.ok(answer,
                results -> results.stream().map(result -> NormalizationView.of(result, query.fields())).toList()));
    }

    private Uni<RestResponse<DataEnvelope<List<BulkItemView>>>> bulk(String version, BulkQuery query) {
        return titles.bulk(version, query).map(answer -> Responses.ok(answer,
                results -> results.stream().map(result -> BulkItemView.of(result, query.fields())).toList()));
    }

}
