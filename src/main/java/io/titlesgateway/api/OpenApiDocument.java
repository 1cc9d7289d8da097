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
