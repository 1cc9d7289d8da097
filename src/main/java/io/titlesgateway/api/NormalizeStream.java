package io.titlesgateway.api;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.annotations.RegisterForReflection;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.titlesgateway.config.TitlesConfig;
import io.titlesgateway.titles.BulkQuery;
import io.titlesgateway.titles.TermOutcome;
import io.titlesgateway.titles.TitleFields;
import io.titlesgateway.titles.TitlesException;
import io.titlesgateway.titles.TitlesService;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /titles/versions/{version}/normalize/stream}: any number of raw titles in, one per
 * line (text/plain, or NDJSON {@code {"term": …}}), one NDJSON line out per line in, in order, as
 * soon as its chunk is answered. A Vert.x route rather than a resource, because the body must be
 * read as it arrives and no faster than answers leave: {@link LineChunks} reads it, chunks of at
 * most 500 lines are answered one after the other through the backends' {@code normalizeEach}
 * (de-duplicated, cache first, misses in bulk calls under the budget), and {@link ResponseWriter}
 * writes them as the connection takes them. A line that is bad or cannot be answered gets an
 * error line; the stream goes on.
 */
@ApplicationScoped
public class NormalizeStream {

    private static final String STREAM = "/normalize/stream";
    static final String NDJSON = "application/x-ndjson";
    private static final Logger LOG = Logger.getLogger(NormalizeStream.class);
    /** How much of a refused line is echoed as its term. */
    private static final int ECHOED_CHARS = 256;

    private enum Format {
        TEXT,
        NDJSON
    }

    /** The caller's options, read before the body. */
    private record Options(String version, Format format, List<String> fields, double confidenceThreshold) {
    }

    /** A line read: the term to normalize, or why it cannot be. */
    private record StreamLine(String term, TitlesException refused) {
    }

    /** A line that could not be answered, as written: the term echoed and an error item. */
    @RegisterForReflection
    record ErrorLine(String term, ErrorEnvelope.Item error) {
    }

    @Inject
    TitlesService titles;

    @Inject
    ObjectMapper json;

    @Inject
    TitlesConfig config;

    /** Streams open now, bounded by {@code titles.stream-max-concurrent}. */
    private final AtomicInteger open = new AtomicInteger();
    /** Lines answered by every stream, an error line included: the streams' throughput. */
    private Counter linesAnswered;
    /** Reads an NDJSON line as callers' bodies are read ({@link StrictJson}): a key given twice is refused. */
    private ObjectReader lines;

    void install(@Observes Router router, MeterRegistry registry) {
        Gauge.builder("titles.streams.open", open, AtomicInteger::get).description("Normalize streams being answered now")
                .register(registry);
        linesAnswered = Counter.builder("titles.stream.lines").description("Lines the normalize streams answered")
                .register(registry);
        lines = new StrictJson().apply(json, JsonNode.class);
        router.post(VersionedPath.PREFIX + "*").order(BodyLimit.AFTER_THE_CHECKS).handler(this::handle);
    }

    /**
     * The version in a stream's path, {@code /titles/versions/{version}/normalize/stream}; {@code null}
     * for any other path.
     */
    static String versionIn(String path) {
        VersionedPath versioned = VersionedPath.of(path);
        return versioned != null && versioned.rest().equals(STREAM) ? versioned.version() : null;
    }

    private void handle(RoutingContext routing) {
        String version = versionIn(routing.normalizedPath());
        if (version == null) {
            routing.next();
            return;
        }
        HttpServerRequest request = routing.request();
        request.pause();
        Context context = Vertx.currentContext();
        Options options;
        try {
            options = options(routing, version);
        } catch (TitlesException refused) {
            refuse(routing, refused);
            return;
        }

        // a stream with no terms checks what concerns them all: the version, the fields, the backend
        titles.normalizeEach(options.version(), new BulkQuery(List.of(), options.fields(), options.confidenceThreshold()))
                .subscribe().with(
                        unused -> context.runOnContext(ignored -> stream(routing, context, options)),
                        failure -> context.runOnContext(ignored -> refuse(routing, failure)));
    }

    private static Options options(RoutingContext routing, String pathVersion) {
        HttpServerRequest request = routing.request();
        String version = InputLimits.version(pathVersion);
        Format format = format(request.getHeader(HttpHeaders.CONTENT_TYPE), routing.normalizedPath());
        return new Options(version, format, TitleFields.selectFromQuery(request.getParam("fields")),
                QueryOptions.confidenceThreshold(request.getParam("confidenceThreshold")));
    }

    private static Format format(String contentType, String path) {
        String mediaType = contentType == null ? "" : contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return switch (mediaType) {
            case "text/plain" -> Format.TEXT;
            case NDJSON -> Format.NDJSON;
            default -> throw AcceptedTypes.refusal(path);
        };
    }

    private void stream(RoutingContext routing, Context context, Options options) {
        if (open.incrementAndGet() > config.streamMaxConcurrent()) {
            open.decrementAndGet();
            refuse(routing, TitlesException.unavailable("The gateway is answering " + config.streamMaxConcurrent()
                    + " streams already; try again in a moment", 1));
            return;
        }
        HttpServerRequest request = routing.request();
        var response = routing.response()
                .setStatusCode(200)
                .setChunked(true)
                .putHeader(HttpHeaders.CONTENT_TYPE, NDJSON)
                .putHeader(Responses.SOURCE_HEADER, titles.serving().name().toLowerCase(Locale.ROOT));
        if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
            response.writeContinue();
        }
        // the head leaves now, not with the first answers: the caller knows at once the stream is accepted
        response.writeHead();
        Multi.createFrom().publisher(new LineChunks(request, context, Math.max(1, config.streamWindow().toMillis())))
                .onItem().transformToUniAndConcatenate(lines -> answer(options, lines))
                .emitOn(task -> context.runOnContext(ignored -> task.run()))
                .subscribe().withSubscriber(new ResponseWriter(response, open::decrementAndGet));
    }

    /** The NDJSON lines answering one chunk, in its order; never a failure. */
    private Uni<Buffer> answer(Options options, List<LineChunks.Line> lines) {
        List<StreamLine> read = lines.stream().map(line -> read(line, options.format())).toList();
        List<String> terms = read.stream().filter(line -> line.refused() == null).map(StreamLine::term).toList();
        Uni<List<TermOutcome>> outcomes = terms.isEmpty() ? Uni.createFrom().item(List.of())
                : titles.normalizeEach(options.version(), new BulkQuery(terms, options.fields(), options.confidenceThreshold()));
        return outcomes
                .onFailure().recoverWithItem(failure -> terms.stream()
                        .map(term -> TermOutcome.failed(term, failure instanceof TitlesException answer ? answer
                                : TitlesException.badGateway("This line could not be answered")))
                        .toList())
                .map(answered -> written(read, answered, options.fields()));
    }

    private Buffer written(List<StreamLine> read, List<TermOutcome> answered, List<String> fields) {
        Buffer out = Buffer.buffer(read.size() * 128);
        int next = 0;
        for (StreamLine line : read) {
            Object item;
            if (line.refused() != null) {
                item = errorLine(line.term(), line.refused());
            } else {
                TermOutcome outcome = answered.get(next++);
                item = outcome.failed() ? errorLine(outcome.term(), outcome.failure()) : BulkItemView.of(outcome.item(), fields);
            }
            try {
                out.appendBytes(json.writeValueAsBytes(item)).appendByte((byte) '\n');
            } catch (IOException impossible) {
                LOG.error("A stream line could not be written", impossible);
            }
        }
        linesAnswered.increment(read.size());
        return out;
    }

    private static ErrorLine errorLine(String term, TitlesException failure) {
        return new ErrorLine(term, new ErrorEnvelope.Item(failure.status(), failure.title(), failure.detail()));
    }

    private StreamLine read(LineChunks.Line line, Format format) {
        String text = line.text();
        if (line.truncated()) {
            return refused(echo(text), TitlesException.payloadTooLarge("A line may be at most " + LineChunks.MAX_LINE_BYTES
                    + " bytes, and a raw title at most " + InputLimits.MAX_TERM_BYTES + " bytes in UTF-8"));
        }
        if (line.notUtf8()) {
            return refused(null, TitlesException.badRequest("The line is not valid UTF-8 text"));
        }
        String term = text;
        if (format == Format.NDJSON && !text.isBlank()) {
            term = termOf(text);
            if (term == null) {
                return refused(null, TitlesException.badRequest("Each line must be a JSON object {\"term\": \"a raw title\"}"));
            }
        }
        term = term.strip();
        if (!Utf8.isWellFormed(term)) {
            return refused(null, TitlesException.badRequest("The line's raw title " + Violations.UNPAIRED_SURROGATE));
        }
        if (term.isEmpty()) {
            return refused(term, TitlesException.badRequest("A line must hold a raw title; this one is blank"));
        }
        if (Utf8.length(term) > InputLimits.MAX_TERM_BYTES) {
            return refused(echo(term), TitlesException.payloadTooLarge("A raw title may be at most "
                    + InputLimits.MAX_TERM_BYTES + " bytes in UTF-8"));
        }
        return new StreamLine(term, null);
    }

    /** The term of an NDJSON line, or {@code null} unless the line is exactly {@code {"term": "…"}}. */
    private String termOf(String line) {
        try {
            JsonNode node = lines.readTree(line);
            if (node == null || !node.isObject() || node.size() != 1 || !node.path("term").isTextual()) {
                return null;
            }
            return node.get("term").asText();
        } catch (IOException unreadable) {
            return null;
        }
    }

    private static StreamLine refused(String term, TitlesException why) {
        return new StreamLine(term, why);
    }

    private static String echo(String text) {
        return text.length() <= ECHOED_CHARS ? text : text.substring(0, ECHOED_CHARS) + "…";
    }

    /** Answers before any of the body is read, in the error envelope; the caller is told to close the connection. */
    private static void refuse(RoutingContext routing, Throwable failure) {
        Refusals.send(routing, failure instanceof TitlesException known ? known
                : TitlesException.badGateway("The stream could not start"));
    }

    static boolean isStream(String path) {
        return path != null && path.startsWith(VersionedPath.PREFIX) && path.endsWith(STREAM);
    }
}
