package io.titlesgateway.api;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.netty.buffer.Unpooled;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.Cancellable;
import io.titlesgateway.titles.Answer;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.NormalizeQuery;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitleFields;
import io.titlesgateway.titles.TitleSearch;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.TitlesService;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers a title lookup, a search or a normalize whose answer is at hand (a complete cache hit) straight from the router,
 * once the caller is admitted, with the bytes the REST layer would send, serialized once per title
 * ({@link PreparedView}): a hit then costs what serving a file does, not a trip through the REST
 * layer's request scope, context and serialization. A well-formed single normalize is answered here
 * even when its match must be fetched. Anything else (a lookup or search miss, bad input, a caller
 * that accepts no JSON) goes on to {@link TitlesResource} or {@link NormalizeResource}, which answer
 * every case the same way.
 */
@ApplicationScoped
public class AnswersAtHand {

    private static final Logger LOG = Logger.getLogger(AnswersAtHand.class);
    private static final String JSON = "application/json";
    private static final String TEXT = "text/plain";
    private static final String TITLES = "/titles";
    private static final String TITLE_PREFIX = TITLES + "/";
    private static final String NORMALIZE = "/normalize";
    /** The largest normalize body read here: a term at its longest, its options, and room for JSON escapes. */
    private static final long MAX_BODY_AT_HAND = 8 * InputLimits.MAX_TERM_BYTES;

    @Inject
    TitlesService titles;

    @Inject
    ObjectMapper mapper;

    void install(@Observes Router router) {
        router.route(VersionedPath.PREFIX + "*").order(BodyLimit.AFTER_THE_CHECKS).handler(this::answer);
    }

    /**
     * Tells the three kinds of hit by their path, read here rather than by routes with path
     * parameters: those match each request against a regular expression, which costs a hit more than
     * finding its answer. A segment the REST layer would decode (a {@code %}) fails the version and id
     * checks, and goes on to it.
     */
    private void answer(RoutingContext routing) {
        VersionedPath path = VersionedPath.of(routing.normalizedPath());
        if (path == null) {
            routing.next();
            return;
        }
        String rest = path.rest();
        HttpMethod method = routing.request().method();
        if (HttpMethod.GET.equals(method) && rest.equals(TITLES)) {
            search(routing, path.version());
        } else if (HttpMethod.GET.equals(method) && rest.startsWith(TITLE_PREFIX) && rest.indexOf('/', TITLE_PREFIX.length()) < 0) {
            title(routing, path.version(), rest.substring(TITLE_PREFIX.length()));
        } else if (HttpMethod.POST.equals(method) && rest.equals(NORMALIZE)) {
            normalize(routing, path.version());
        } else {
            routing.next();
        }
    }

    /**
     * A single normalize. Its body is read here (only a small one, declared up front, over HTTP/1;
     * anything else goes straight on); a body the REST layer would refuse is handed to it with the
     * request (it reads a body the router already holds), and a well-formed one is answered here,
     * at once if its match is at hand, else once it is fetched.
     */
    private void normalize(RoutingContext routing, String version) {
        String type = mediaTypeOf(routing);
        long length = BodyLimit.declaredLength(routing);
        // HTTP/2: the REST layer pauses the request it is handed, which HTTP/2 refuses once the body is read
        if (routing.request().version() == HttpVersion.HTTP_2 || !acceptsJson(routing) || !InputLimits.isVersion(version) || type == null
                || length < 0 || length > MAX_BODY_AT_HAND) {
            routing.next();
            return;
        }
        inviteTheBody(routing.request());
        routing.request().body().onComplete(read -> {
            if (read.failed()) {
                routing.next(); // the REST layer meets the same broken request, and answers it
                return;
            }
            Buffer body = read.result();
            NormalizeQuery query = normalizeQueryOf(routing, type, body.getBytes());
            if (query == null) {
                handOn(routing, body);
                return;
            }
            Answer<Normalization> answer = titles.normalizeIfAtHand(version, query);
            if (answer == null) {
                fetch(routing, version, query, body);
            } else if (!send(routing, answer, query)) {
                handOn(routing, body);
            }
        });
        routing.request().resume();
    }

    /**
     * Tells a client that asked before sending its body ({@code Expect: 100-continue}) to send it, as
     * the REST layer does for the bodies it reads: the head has passed every check (size, caller, type).
     * Such a client had been told nothing here, and waited its own timeout (a second, for curl) before
     * sending the body anyway.
     */
    private static void inviteTheBody(HttpServerRequest request) {
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            request.response().writeContinue();
        }
    }

    /** Hands the request, with the body read here, on to the REST layer, which answers what this handler does not. */
    private static void handOn(RoutingContext routing, Buffer body) {
        routing.setBody(body);
        // the body is read: the REST layer would ask for it again (a second 100 Continue)
        routing.request().headers().remove(HttpHeaders.EXPECT);
        routing.next();
    }

    /**
     * A well-formed normalize whose match is not at hand, asked here too: once the body is read and
     * the query made, the REST layer would only add its own request handling and serialization to
     * every answer (a fifth to two fifths of what a miss cost the gateway under load). The answer, or the
     * failure in the envelope, is written on the request's own context; the wait of a caller that
     * leaves first is cancelled, as the REST layer cancels it. An answer that cannot be written here
     * goes on to the REST layer, which finds it at hand.
     */
    private void fetch(RoutingContext routing, String version, NormalizeQuery query, Buffer body) {
        Context context = Vertx.currentContext();
        Cancellable asked = Uni.createFrom().deferred(() -> titles.normalize(version, query))
                .emitOn(task -> context.runOnContext(unused -> task.run()))
                .subscribe().with(answer -> {
                    if (!routing.response().closed() && !send(routing, answer, query)) {
                        handOn(routing, body);
                    }
                }, failure -> Refusals.answer(routing, failure instanceof TitlesException known ? known : ErrorMappers.unforeseen(failure)));
        routing.response().closeHandler(unused -> asked.cancel());
    }

    private boolean send(RoutingContext routing, Answer<Normalization> answer, NormalizeQuery query) {
        return send(routing, answer, mapper -> NormalizationView.envelope(answer.data(), query.fields(), mapper));
    }

    /** The normalize a body asks for, as {@link NormalizeResource} reads it; {@code null} if it would refuse it. */
    private NormalizeQuery normalizeQueryOf(RoutingContext routing, String type, byte[] body) {
        try {
            if (type.equals(JSON)) {
                NormalizeRequest request = new StrictJson().apply(mapper, NormalizeRequest.class).readValue(body);
                return request == null ? null : request.toQuery();
            }
            return new NormalizeQuery(PlainTextTerms.single(body), TitleFields.selectFromQuery(first(routing, "fields")),
                    QueryOptions.confidenceThreshold(first(routing, "confidenceThreshold")), NormalizeQuery.DEFAULT_INSPECT_LIMIT);
        } catch (IOException | RuntimeException refusedOrUnreadable) { // the REST layer refuses it, in the envelope
            return null;
        }
    }

    /** "application/json" or "text/plain", the two a normalize takes, if the body is one of them in UTF-8; {@code null} otherwise. */
    private static String mediaTypeOf(RoutingContext routing) {
        String header = routing.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (header == null) {
            return null;
        }
        String[] parts = header.split(";", -1);
        String type = parts[0].strip().toLowerCase(Locale.ROOT);
        for (int i = 1; i < parts.length; i++) {
            String parameter = parts[i].strip().toLowerCase(Locale.ROOT);
            if (!parameter.equals("charset=utf-8") && !parameter.equals("charset=\"utf-8\"")) {
                return null;
            }
        }
        return type.equals(JSON) || type.equals(TEXT) ? type : null;
    }

    /** A search or listing, read as the REST layer reads it; anything it would refuse goes on to it, to be refused there. */
    private void search(RoutingContext routing, String version) {
        TitleSearch search = acceptsJson(routing) && InputLimits.isVersion(version) ? searchOf(routing) : null;
        Answer<List<Title>> answer = search == null ? null : titles.searchIfAtHand(version, search);
        if (answer == null || answer.data() == null
                || !send(routing, answer, mapper -> TitleView.listEnvelope(answer.data(), search.fields(), mapper))) {
            routing.next();
        }
    }

    /** The search a request asks for, as {@link TitlesResource} reads it; {@code null} if it would refuse it. */
    private static TitleSearch searchOf(RoutingContext routing) {
        try {
            String q = first(routing, "q");
            if (q != null && Utf8.length(q) > InputLimits.MAX_TERM_BYTES) {
                return null;
            }
            return new TitleSearch(q, QueryOptions.wholeNumber("limit", first(routing, "limit"), 1, InputLimits.MAX_LIMIT),
                    QueryOptions.wholeNumber("page", first(routing, "page"), 1, InputLimits.MAX_PAGE),
                    TitleFields.selectFromQuery(first(routing, "fields")));
        } catch (RuntimeException refusedOrUnreadable) { // a bad option, field or encoding: the REST layer answers it
            return null;
        }
    }

    private static String first(RoutingContext routing, String name) {
        List<String> values = routing.queryParam(name);
        return values.isEmpty() ? null : values.get(0);
    }

    private void title(RoutingContext routing, String version, String titleId) {
        Answer<Title> answer = acceptsJson(routing) && InputLimits.isVersion(version) && InputLimits.isTitleId(titleId)
                ? titles.titleIfAtHand(version, titleId) : null;
        if (answer == null || answer.data() == null || !send(routing, answer, TitleView.prepared(answer.data())::envelope)) {
            routing.next();
        }
    }

    /** Writes the answer; false if it could not be made here, and the REST layer is to answer instead. */
    private boolean send(RoutingContext routing, Answer<?> answer, Envelope envelope) {
        byte[] body;
        try {
            body = envelope.bytes(mapper);
        } catch (IOException unexpected) {
            LOG.debugf("An answer at hand could not be written from the router: %s", unexpected);
            return false;
        }
        HttpServerResponse response = routing.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON);
        Responses.headers(answer, response::putHeader);
        // wrapped, not copied: the bytes are kept for the answer's next callers, and nothing writes to them
        response.end(Buffer.buffer(Unpooled.wrappedBuffer(body)));
        return true;
    }

    /** An answer's whole body, {@code {"data": …}}, as UTF-8, made (or found made) with the REST layer's mapper. */
    @FunctionalInterface
    private interface Envelope {
        byte[] bytes(ObjectMapper mapper) throws IOException;
    }

    /** Whether the caller takes JSON, as the REST layer would decide: no Accept header, or one that names it or a wildcard. */
    private static boolean acceptsJson(RoutingContext routing) {
        String accept = routing.request().getHeader(HttpHeaders.ACCEPT);
        return accept == null || accept.contains(JSON) || accept.contains("*/*") || accept.contains("application/*");
    }
}
