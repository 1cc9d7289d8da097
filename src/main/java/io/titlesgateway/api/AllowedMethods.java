package io.titlesgateway.api;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The methods each endpoint takes, for the {@code Allow} header a 405 must carry (RFC 9110, 15.5.6):
 * the REST layer refuses a method without naming those it takes, and the stream, a route of the
 * router, is no resource of it at all. Endpoints are keyed by their templates as the OpenAPI document
 * writes them; a path under a version is cut into its template by {@link EndpointNames#templateOf},
 * as the metrics name it. {@code OpenApiDocumentTest} holds this list to the OpenAPI document, so that
 * an endpoint added there and not here fails the build.
 */
final class AllowedMethods {

    private static final List<String> READ = List.of("GET", "HEAD", "OPTIONS");
    private static final List<String> WRITE = List.of("POST", "OPTIONS");
    private static final String VERSION = VersionedPath.PREFIX + "{version}";

    private static final Map<String, List<String>> BY_TEMPLATE = Map.ofEntries(
            Map.entry("/titles/status", READ),
            Map.entry("/titles/meta", READ),
            Map.entry("/titles/versions", READ),
            Map.entry(VERSION, READ),
            Map.entry(VERSION + "/changes", READ),
            Map.entry(VERSION + "/titles", List.of("GET", "HEAD", "POST", "OPTIONS")),
            Map.entry(VERSION + "/titles/{titleId}", READ),
            Map.entry(VERSION + "/normalize", WRITE),
            Map.entry(VERSION + "/normalize/bulk", WRITE),
            Map.entry(VERSION + "/normalize/inspect", WRITE),
            Map.entry(VERSION + "/normalize/stream", WRITE),
            Map.entry(AcceptedTypes.TOKEN_PATH, WRITE));

    /** What the server as a whole takes, for {@code OPTIONS *}: every endpoint's methods together, in {@code Allow}'s order. */
    static final String SERVER_WIDE = String.join(", ", BY_TEMPLATE.values().stream().flatMap(List::stream).distinct()
            .sorted(Comparator.comparingInt(List.of("GET", "HEAD", "POST", "OPTIONS")::indexOf)).toList());

    private AllowedMethods() {
    }

    /** What {@code path} takes, in the order an {@code Allow} header lists it; {@code null} where no endpoint is. */
    static List<String> of(String path) {
        if (path == null) {
            return null;
        }
        String template = EndpointNames.templateOf(path);
        if (template == null && path.length() > 1 && path.endsWith("/")) {
            template = path.substring(0, path.length() - 1);
        }
        return BY_TEMPLATE.get(template != null ? template : path);
    }
}
