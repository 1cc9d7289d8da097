package io.titlesgateway.api;

import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.titlesgateway.titles.TitlesException;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * A query option given more than once ({@code ?q=nurse&q=cook}, {@code ?fields=id&fields=name}) is a
 * 400, before anything is read or sent: which of them Lightcast would read is not documented, so the
 * gateway would be guessing, and a client that writes a list as repeated parameters would get the
 * first item alone without a word. Lightcast takes a list as one comma-separated value. A JSON
 * request's query is ignored, as Lightcast ignores it, so its repetitions are too.
 */
@ApplicationScoped
public class RepeatedOptions {

    private static final List<String> OPTIONS = List.of("q", "limit", "page", "fields", "confidenceThreshold");

    void install(@Observes Router router) {
        router.route(VersionedPath.PREFIX + "*").order(BodyLimit.BEFORE_EVERYTHING).handler(this::check);
    }

    private void check(RoutingContext routing) {
        HttpServerRequest request = routing.request();
        // the routing context's parse, which the answers at hand read too: the query is decoded once
        String repeated = request.query() == null || isJson(request) ? null : repeatedIn(routing.queryParams());
        if (repeated == null) {
            routing.next();
            return;
        }
        String hint = repeated.equals("fields") ? "; a list is one comma-separated value, as fields=id,name" : "";
        Refusals.send(routing, TitlesException.badRequest("The query parameter " + repeated + " appears more than once" + hint));
    }

    private static String repeatedIn(MultiMap params) {
        for (String option : OPTIONS) {
            if (params.getAll(option).size() > 1) {
                return option;
            }
        }
        return null;
    }

    private static boolean isJson(HttpServerRequest request) {
        String type = request.getHeader(HttpHeaders.CONTENT_TYPE);
        return type != null && type.strip().toLowerCase(Locale.ROOT).startsWith("application/json");
    }
}
