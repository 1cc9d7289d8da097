package io.titlesgateway.api;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
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
import io.titlesgateway.titles.ServiceMeta;
import io.titlesgateway.titles.ServiceStatus;
import io.titlesgateway.titles.TitleFields;
import io.titlesgateway.titles.TitleSearch;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.TitlesService;
import io.titlesgateway.titles.VersionChanges;
import io.titlesgateway.titles.VersionInfo;

/** The taxonomy half of the Lightcast Titles surface: status, versions, listing, search and lookup. */
@Path("/titles")
@Tag(name = "Titles")
@Produces(MediaType.APPLICATION_JSON)
public class TitlesResource {

    @Inject
    TitlesService titles;

    @Operation(summary = "Whether the backend is healthy")
    @GET
    @Path("/status")
    public Uni<RestResponse<DataEnvelope<ServiceStatus>>> status() {
        return titles.status().map(Responses::ok);
    }

    @Operation(summary = "Attribution and the latest version")
    @GET
    @Path("/meta")
    public Uni<RestResponse<DataEnvelope<ServiceMeta>>> meta() {
        return titles.meta().map(Responses::ok);
    }

    @Operation(summary = "Every version, newest first")
    @GET
    @Path("/versions")
    public Uni<RestResponse<DataEnvelope<List<String>>>> versions() {
        return titles.versions().map(Responses::ok);
    }

    @Operation(summary = "One version: its fields and title count")
    @GET
    @Path("/versions/{version}")
    public Uni<RestResponse<DataEnvelope<VersionInfo>>> version(
            @RestPath String version) {
        return titles.version(InputLimits.version(version)).map(Responses::ok);
    }

    @Operation(summary = "Titles added, removed and altered in a version")
    @GET
    @Path("/versions/{version}/changes")
    public Uni<RestResponse<DataEnvelope<VersionChanges>>> changes(
            @RestPath String version) {
        return titles.changes(InputLimits.version(version)).map(Responses::ok);
    }

    @Operation(summary = "Search titles (type-ahead), or list them a page at a time")
    @GET
    @Path("/versions/{version}/titles")
    public Uni<RestResponse<DataEnvelope<List<Map<String, Object>>>>> search(
            @RestPath String version,
            @RestQuery String q,
            @RestQuery String limit,
            @RestQuery String page,
            @RestQuery String fields) {
        new Violations().atMostBytes("q", q, InputLimits.MAX_TERM_BYTES).refuseAny();
        List<String> selection = TitleFields.selectFromQuery(fields);
        TitleSearch search = new TitleSearch(q,
                QueryOptions.wholeNumber("limit", limit, 1, InputLimits.MAX_LIMIT),
                QueryOptions.wholeNumber("page", page, 1, InputLimits.MAX_PAGE),
                selection);
        return titles.search(InputLimits.version(version), search).map(answer -> Responses.ok(answer, found -> TitleView.of(found, selection)));
    }

    @Operation(summary = "Titles by id")
    @POST
    @Path("/versions/{version}/titles")
    @Consumes(MediaType.APPLICATION_JSON)
    @CustomDeserialization(StrictJson.class)
    public Uni<RestResponse<DataEnvelope<List<Map<String, Object>>>>> titlesById(
            @RestPath String version,
            TitlesByIdRequest body) {
        TitlesByIdRequest request = Violations.required(body, "a JSON body with ids is required").checked();
        List<String> selection = TitleFields.select(request.fields());
        return titles.titlesById(InputLimits.version(version), request.ids(), selection)
                .map(answer -> Responses.ok(answer, found -> TitleView.of(found, selection)));
    }

    @Operation(summary = "One title by id")
    @GET
    @Path("/versions/{version}/titles/{titleId}")
    public Uni<RestResponse<DataEnvelope<Map<String, Object>>>> title(
            @RestPath String version,
            @RestPath String titleId) {
        return titles.title(InputLimits.version(version), InputLimits.titleId(titleId)).map(answer -> {
            if (answer.data() == null) {
                throw TitlesException.notFound("Unrecognized title id: " + titleId);
            }
            return Responses.ok(answer, TitleView::detail);
        });
    }
}
