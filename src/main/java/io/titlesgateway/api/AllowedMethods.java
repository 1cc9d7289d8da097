package io.titlesgateway.api;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The methods each endpoint takes, for the {@code Allow} header a 405 must carry (RFC 9110, 15.5.6):
 * the REST layer refuses a method without naming those it takes, and the stream, a route of the
 * router, is no resource of it at all. {@code OpenApiDocumentTest} holds this list to the OpenAPI
 * document, so that an endpoint added there and not here fails the build.
 */
final class AllowedMethods {

    private static final String READ = "GET, HEAD, OPTIONS";
    private static final String WRITE = "POST, OPTIONS";
    private static final String ANY = "[^/]+";

    private record Endpoint(Pattern path, String methods) {
    }

    private static final List<Endpoint> ENDPOINTS = List.of(
            endpoint("/titles/(status|meta|versions)", READ),
            endpoint("/titles/versions/" + ANY, READ),
            endpoint("/titles/versions/" + ANY + "/changes", READ),
            endpoint("/titles/versions/" + ANY + "/titles", "GET, HEAD, POST, OPTIONS"),
            endpoint("/titles/versions/" + ANY + "/titles/" + ANY, READ),
            endpoint("/titles/versions/" + ANY + "/normalize(/bulk|/inspect|/stream)?", WRITE),
            endpoint(AcceptedTypes.TOKEN_PATH, WRITE));

    private AllowedMethods() {
    }

    private static Endpoint endpoint(String path, String methods) {
        return new Endpoint(Pattern.compile(path + "/?"), methods);
    }

    /** What {@code path} takes, as an {@code Allow} header says it; {@code null} where no endpoint is. */
    static String of(String path) {
        if (path == null) {
            return null;
        }
        for (Endpoint endpoint : ENDPOINTS) {
            if (endpoint.path().matcher(path).matches()) {
                return endpoint.methods();
            }
        }
        return null;
    }
}
