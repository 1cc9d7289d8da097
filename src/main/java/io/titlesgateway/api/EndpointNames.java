package io.titlesgateway.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Names the endpoint of every request under {@code /titles/versions/{version}} by its path's
 * template, for the {@code uri} tag of {@code http_server_requests_seconds}, before any handler
 * answers it. The REST layer names only the requests it matches to a method; a request the router
 * answers (a normalize, a stream, a refusal) or the REST layer answers by itself (an {@code OPTIONS})
 * was tagged with its path as sent, and every version a caller wrote there made a series of its
 * own: callers could grow the metrics without bound, and once Quarkus's cap on distinct paths was
 * reached, the series of endpoints seen later would be dropped. A path of no endpoint is not named:
 * its 404 is tagged {@code NOT_FOUND}, any other 4xx {@code UNKNOWN}; an {@code OPTIONS} there,
 * which the REST layer answers with a 200 under any path its resources start, and a path written
 * with several leading slashes ({@code //x/y}, which the metrics would tag {@code /x/y}), are
 * {@code /UNKNOWN} (the metrics put a {@code /} before a name).
 */
@ApplicationScoped
public class EndpointNames {

    /** Before every other handler, so that a refusal by any of them is named too. */
    private static final int FIRST = BodyLimit.BEFORE_EVERYTHING - 4;
    /** Where the HTTP server metrics look for a request's template, on the request's context. */
    private static final String TEMPLATE_KEY = "UrlPathTemplate";
    private static final String VERSION = VersionedPath.PREFIX + "{version}";
    private static final String TITLES = "/titles";
    /** The endpoints under a version, by what follows it; {@code /titles/{titleId}} is told apart by its shape. */
    private static final String[] RESTS = { "/normalize", "/normalize/bulk", "/normalize/inspect", "/normalize/stream", TITLES,
            "/changes" };
    private static final String[] TEMPLATES = { VERSION + RESTS[0], VERSION + RESTS[1], VERSION + RESTS[2], VERSION + RESTS[3],
            VERSION + RESTS[4], VERSION + RESTS[5] };
    private static final String TITLE = VERSION + TITLES + "/{titleId}";
    /** The name of what is no endpoint, as the HTTP server metrics name a 4xx there. */
    private static final String UNKNOWN = "UNKNOWN";

    void install(@Observes Router router) {
        router.route().order(FIRST).handler(this::name);
    }

    private void name(RoutingContext routing) {
        String path = RequestTargets.normalizedPathOrNull(routing); // null: no URI, which RequestLimits refuses next
        String template = path == null ? UNKNOWN : templateOf(path);
        if (template == null && (HttpMethod.OPTIONS.equals(routing.request().method()) || routing.request().path().startsWith("//"))) {
            // the metrics trim a path's leading slashes to one, and take a path they changed for a template of its own
            template = UNKNOWN;
        }
        if (template != null) {
            Vertx.currentContext().putLocal(TEMPLATE_KEY, template);
        }
        routing.next();
    }

    /**
     * Names a request the router failed before any route ran (a target that is not a path) as no
     * endpoint: the metrics would otherwise take its target, with a {@code /} put before it, for a
     * template, and a series for each target a caller writes.
     */
    static void nameAsNoEndpoint() {
        Vertx.currentContext().putLocal(TEMPLATE_KEY, UNKNOWN);
    }

    /**
     * The template of a path under {@code /titles/versions/}, one trailing {@code /} aside, read in
     * place: a hit's path is not copied for it; {@code null} for a path of no endpoint.
     */
    static String templateOf(String path) {
        if (path == null || !path.startsWith(VersionedPath.PREFIX)) {
            return null;
        }
        int end = path.endsWith("/") ? path.length() - 1 : path.length();
        int versionEnd = path.indexOf('/', VersionedPath.PREFIX.length());
        if (versionEnd < 0 || versionEnd == end) {
            return versionEnd != VersionedPath.PREFIX.length() && end > VersionedPath.PREFIX.length() ? VERSION : null;
        }
        if (versionEnd == VersionedPath.PREFIX.length()) {
            return null;
        }
        int restLength = end - versionEnd;
        for (int i = 0; i < RESTS.length; i++) {
            if (restLength == RESTS[i].length() && path.startsWith(RESTS[i], versionEnd)) {
                return TEMPLATES[i];
            }
        }
        int idStart = versionEnd + TITLES.length() + 1;
        int idEnd = path.indexOf('/', idStart);
        boolean titleById = path.startsWith(TITLES + "/", versionEnd) && idStart < end && (idEnd < 0 || idEnd == end);
        return titleById ? TITLE : null;
    }
}
