package io.titlesgateway.api;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.junit.QuarkusTest;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.parameters.Parameter;
import io.swagger.v3.oas.models.security.SecurityScheme;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;

/**
 * The served OpenAPI document, read by a real OpenAPI parser as a client generator reads it: valid,
 * with the gateway's own token endpoint as an OAuth2 client-credentials scheme (and bearer JWTs)
 * that every {@code /titles} operation refers to, numbers typed as numbers, and the error envelope
 * described on every refusal.
 */
@QuarkusTest
class OpenApiDocumentTest {

    private static OpenAPI document() {
        String served = given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().asString();
        ParseOptions options = new ParseOptions();
        options.setResolve(true);
        SwaggerParseResult parsed = new OpenAPIParser().readContents(served, null, options);
        assertThat(parsed.getMessages()).as("what the parser found wrong").isEmpty();
        return parsed.getOpenAPI();
    }

    @Test
    void theDocumentIsValid() {
        assertThat(document().getPaths()).isNotEmpty();
    }

    @Test
    void everyTitlesOperationCanBeAuthorizedWithTheGatewaysToken() {
        OpenAPI api = document();
        Map<String, SecurityScheme> schemes = api.getComponents().getSecuritySchemes();
        assertThat(schemes.values()).anySatisfy(scheme -> {
            assertThat(scheme.getType()).isEqualTo(SecurityScheme.Type.OAUTH2);
            assertThat(scheme.getFlows().getClientCredentials().getTokenUrl()).isEqualTo("/connect/token");
        });
        assertThat(schemes.values()).anySatisfy(scheme -> {
            assertThat(scheme.getType()).isEqualTo(SecurityScheme.Type.HTTP);
            assertThat(scheme.getScheme()).isEqualTo("bearer");
        });
        operations(api, "/titles").forEach((name, operation) -> assertThat(operation.getSecurity())
                .as(name + " refers to a scheme").isNotEmpty());
    }

    @Test
    void queryNumbersAreTypedAsNumbers() {
        OpenAPI api = document();
        operations(api, "/titles").forEach((name, operation) -> {
            for (Parameter parameter : operation.getParameters() == null ? List.<Parameter>of() : operation.getParameters()) {
                String type = parameter.getSchema().getType() != null ? parameter.getSchema().getType()
                        : String.valueOf(parameter.getSchema().getTypes());
                switch (parameter.getName()) {
                    case "confidenceThreshold" -> assertThat(type).as(name + " " + parameter.getName()).contains("number");
                    case "limit", "page" -> assertThat(type).as(name + " " + parameter.getName()).contains("integer");
                    default -> { }
                }
            }
        });
    }

    @Test
    void everyRefusalIsDescribedWithTheErrorEnvelope() {
        OpenAPI api = document();
        operations(api, "/titles").forEach((name, operation) -> {
            assertThat(operation.getResponses()).as(name + " responses").containsKeys("400", "429");
            operation.getResponses().forEach((status, response) -> {
                if (status.startsWith("4") || status.startsWith("5")) {
                    assertThat(response.getContent().get("application/json").getSchema().get$ref())
                            .as(name + " " + status).endsWith("ErrorEnvelope");
                }
            });
        });
    }

    @Test
    void everyRequestBodyComesWithAnExample() {
        OpenAPI api = document();
        operations(api, "/").forEach((name, operation) -> {
            if (operation.getRequestBody() == null || operation.getRequestBody().getContent() == null) {
                return;
            }
            operation.getRequestBody().getContent().forEach((type, media) -> {
                io.swagger.v3.oas.models.media.Schema<?> schema = media.getSchema();
                if (schema != null && schema.get$ref() != null) {
                    schema = api.getComponents().getSchemas().get(schema.get$ref().substring(schema.get$ref().lastIndexOf('/') + 1));
                }
                boolean exampled = media.getExample() != null || media.getExamples() != null
                        || schema != null && (schema.getExample() != null || schema.getProperties() != null
                                && schema.getProperties().values().stream().anyMatch(property -> property.getExample() != null));
                assertThat(exampled).as(name + " " + type + " has an example").isTrue();
            });
        });
    }

    /** Every operation under {@code prefix}, by method and path. */
    /**
     * Every path of the document refuses a method it does not take with a 405 whose {@code Allow}
     * names exactly the methods the document gives it (with HEAD beside GET, and OPTIONS, which the
     * REST layer answers by itself); the stream, a route of the router, as much as the resources.
     */
    @Test
    void everyPathRefusesAnotherMethodNamingTheMethodsItTakes() {
        OpenAPI api = document();
        api.getPaths().forEach((template, item) -> {
            java.util.Set<String> expected = new java.util.TreeSet<>(List.of("OPTIONS"));
            item.readOperationsMap().keySet().forEach(method -> expected.add(method.name()));
            if (expected.contains("GET")) {
                expected.add("HEAD");
            }
            String path = template.replace("{version}", "latest").replace("{titleId}", "ET3B93055220D592C8");
            for (String method : List.of("DELETE", "PUT", "PATCH")) {
                io.restassured.response.Response refused = given().request(method, path);
                assertThat(refused.statusCode()).as("%s %s", method, path).isEqualTo(405);
                assertThat(new java.util.TreeSet<>(List.of(refused.header("Allow").split(", *"))))
                        .as("Allow of %s %s", method, path).isEqualTo(expected);
            }
        });
    }

    private static Map<String, Operation> operations(OpenAPI api, String prefix) {
        Map<String, Operation> found = new java.util.TreeMap<>();
        api.getPaths().forEach((path, item) -> {
            if (path.startsWith(prefix)) {
                item.readOperationsMap().forEach((method, operation) -> found.put(method + " " + path, operation));
            }
        });
        assertThat(found).isNotEmpty();
        return found;
    }

}
