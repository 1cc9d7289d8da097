package io.titlesgateway.lightcast;

import java.util.List;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;
import org.jboss.resteasy.reactive.RestPath;
import org.jboss.resteasy.reactive.RestQuery;
import org.jboss.resteasy.reactive.RestResponse;

import io.quarkus.oidc.client.filter.OidcClientFilter;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.titles.BulkNormalization;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.ServiceMeta;
import io.titlesgateway.titles.ServiceStatus;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.VersionChanges;
import io.titlesgateway.titles.VersionInfo;

/**
 * The Lightcast Titles API, one method per endpoint. The OIDC filter puts a client-credentials
 * bearer token on every call; a successful answer that is not JSON is refused ({@link JsonAnswersOnly}).
 * Kept thin: resilience and error translation live in {@link LightcastBackend}.
 */
@RegisterRestClient(configKey = "lightcast")
@RegisterProvider(JsonAnswersOnly.class)
@OidcClientFilter
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
interface LightcastApi {

    @GET
    @Path("/status")
    Uni<LightcastEnvelope<ServiceStatus>> status();

    @GET
    @Path("/meta")
    Uni<LightcastEnvelope<ServiceMeta>> meta();

    @GET
    @Path("/versions")
    Uni<LightcastEnvelope<List<String>>> versions();

    @GET
    @Path("/versions/{version}")
    Uni<LightcastEnvelope<VersionInfo>> version(@RestPath String version);

    @GET
    @Path("/versions/{version}/changes")
    Uni<LightcastEnvelope<VersionChanges>> changes(@RestPath String version);

    @GET
    @Path("/versions/{version}/titles")
    Uni<LightcastEnvelope<List<Title>>> search(@RestPath String version, @RestQuery String q,
            @RestQuery Integer limit, @RestQuery Integer page, @RestQuery String fields);

    @POST
    @Path("/versions/{version}/titles")
    Uni<LightcastEnvelope<List<Title>>> titlesById(@RestPath String version, LightcastCalls.ByIds body);

    @GET
    @Path("/versions/{version}/titles/{id}")
    Uni<LightcastEnvelope<Title>> title(@RestPath String version, @RestPath String id);

    @POST
    @Path("/versions/{version}/normalize")
    Uni<RestResponse<LightcastEnvelope<Normalization>>> normalize(@RestPath String version,
            LightcastCalls.Normalize body);

    @POST
    @Path("/versions/{version}/normalize/inspect")
    Uni<RestResponse<LightcastEnvelope<List<Normalization>>>> inspect(@RestPath String version,
            LightcastCalls.Inspect body);

    @POST
    @Path("/versions/{version}/normalize/bulk")
    Uni<RestResponse<LightcastEnvelope<List<BulkNormalization>>>> bulk(@RestPath String version,
            LightcastCalls.Bulk body);
}
