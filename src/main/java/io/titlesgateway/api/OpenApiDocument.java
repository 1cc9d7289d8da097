package io.titlesgateway.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;
import org.eclipse.microprofile.openapi.models.responses.APIResponses;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

/**
 * Finishes the OpenAPI document for client generators (registered as {@code mp.openapi.filter}):
 * every {@code /titles} operation refers to the gateway's token schemes (declared in
 * {@code META-INF/openapi.yaml}: OAuth2 client credentials at {@code /connect/token}, and bearer
 * JWTs), lists the refusals it can answer with the error envelope as their schema, and types its
 * numeric query options as numbers, which the resources read as text to refuse bad ones themselves.
 */
public class OpenApiDocument implements OASFilter {

    private static final String ENVELOPE = "#/components/schemas/ErrorEnvelope";
    private static final Map<String, String> REFUSALS = refusals();

    private static Map<String, String> refusals() {
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("400", "Bad input: what to fix is in the detail");
        refusals.put("401", "No token, or one that is not valid (when tokens are required)");
        refusals.put("404", "Unknown version, title or path; or no title matched");
        refusals.put("413", "A term, a list or the body over its limit");
        refusals.put("415", "A content type the endpoint does not take");
        refusals.put("429", "The budget or the caller's caps are spent: ask again after Retry-After");
        refusals.put("502", "Lightcast failed, or refused the gateway's credentials");
        refusals.put("503", "No backend can serve now: ask again after Retry-After");
        return refusals;
    }

    @Override
    public Operation filterOperation(Operation operation) {
        if (operation.getTags() != null && operation.getTags().contains("Tokens")) {
            return withTokenRequestExample(operation);
        }
        if (operation.getTags() == null || operation.getTags().stream().noneMatch(tag -> tag.equals("Titles") || tag.equals("Normalize"))) {
            return operation;
        }
        if (operation.getSecurity() == null || operation.getSecurity().isEmpty()) {
            operation.setSecurity(List.of(requirement("gatewayToken"), requirement("bearer")));
        }
        APIResponses responses = operation.getResponses() == null ? OASFactory.createAPIResponses() : operation.getResponses();
        REFUSALS.forEach((status, description) -> responses.addAPIResponse(status, refusal(description)));
        operation.setResponses(responses);
        if (operation.getParameters() != null) {
            operation.getParameters().forEach(OpenApiDocument::typed);
        }
        return operation;
    }

    /** Text bodies, read as bytes to check they are UTF-8, are text to a client: typed so, with an example. */
    @Override
    public void filterOpenAPI(org.eclipse.microprofile.openapi.models.OpenAPI openAPI) {
        if (openAPI.getPaths() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            Operation post = item.getPOST();
            if (post == null || post.getRequestBody() == null || post.getRequestBody().getContent() == null
                    || path.endsWith("/stream")) {
                return;
            }
            var text = post.getRequestBody().getContent().getMediaType("text/plain");
            if (text != null) {
                text.setSchema(OASFactory.createSchema().addType(Schema.SchemaType.STRING));
                text.setExample(path.endsWith("/bulk") ? "Sr. RN - ICU nights\nsoftware engineer\n" : "Sr. RN - ICU nights");
            }
        });
    }

    /** The token request as a Lightcast client sends it. */
    private static Operation withTokenRequestExample(Operation operation) {
        if (operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
            operation.getRequestBody().getContent().getMediaTypes().values().forEach(media -> media.setExample(
                    "grant_type=client_credentials&client_id=my-service&client_secret=my-secret&scope=emsi_open"));
        }
        return operation;
    }

    private static SecurityRequirement requirement(String scheme) {
        return OASFactory.createSecurityRequirement().addScheme(scheme, List.of());
    }

    private static APIResponse refusal(String description) {
        return OASFactory.createAPIResponse().description(description).content(OASFactory.createContent().addMediaType(
                "application/json", OASFactory.createMediaType().schema(OASFactory.createSchema().ref(ENVELOPE))));
    }

    private static void typed(Parameter parameter) {
        if (parameter.getIn() != Parameter.In.QUERY) {
            return;
        }
        switch (parameter.getName()) {
            case "confidenceThreshold" -> parameter.setSchema(OASFactory.createSchema().addType(Schema.SchemaType.NUMBER)
                    .minimum(java.math.BigDecimal.ZERO).maximum(java.math.BigDecimal.ONE).defaultValue(0.5));
            case "limit", "page" -> parameter.setSchema(OASFactory.createSchema().addType(Schema.SchemaType.INTEGER)
                    .minimum(java.math.BigDecimal.ZERO));
            default -> { }
        }
    }
}
