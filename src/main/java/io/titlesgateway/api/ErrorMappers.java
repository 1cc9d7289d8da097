package io.titlesgateway.api;

import java.io.IOException;
import java.util.List;
import java.util.Locale;

import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotAcceptableException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestResponse;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;

import io.titlesgateway.titles.TitlesException;

/**
 * Every failure a caller can meet, answered in the Lightcast error envelope with a detail that says
 * what to fix. Nothing here echoes a stack trace, and nothing echoes more of the caller's input
 * than a short field name.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public RestResponse<ErrorEnvelope> answer(TitlesException failure) {
        LOG.debugf("Answered %d: %s", failure.status(), failure.detail());
        var response = RestResponse.ResponseBuilder
                .<ErrorEnvelope>create(failure.status())
                .entity(ErrorEnvelope.of(failure.status(), failure.title(), failure.detail()))
                .type(MediaType.APPLICATION_JSON_TYPE);
        if (failure.retryAfterSeconds() != null) {
            response.header(HttpHeaders.RETRY_AFTER, failure.retryAfterSeconds());
        }
        return response.build();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorEnvelope> invalid(Violations.Refusal refusal) {
        return envelope(refusal.envelope(), refusal.status());
    }

    @ServerExceptionMapper
    public RestResponse<ErrorEnvelope> unreadableJson(JacksonException failure) {
        return badRequest(describe(failure));
    }

    /** Named apart from {@link #unreadableJson(JacksonException)} to win over Quarkus's own mapper of this type. */
    @ServerExceptionMapper
    public RestResponse<ErrorEnvelope> mismatchedJson(MismatchedInputException failure) {
        return badRequest(describe(failure));
    }

    /**
     * The caller's body could not be read: larger than the HTTP layer allows (which may have answered
     * 413 already), or cut off by the caller. The caller's doing, not the gateway's: a 4xx, one line at DEBUG.
     */
    @ServerExceptionMapper
    public RestResponse<ErrorEnvelope> unreadableBody(IOException failure) {
        LOG.debugf("The request body could not be read: %s", failure.getMessage());
        if (String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT).contains("too large")) {
            return envelope(ErrorEnvelope.of(413, "Payload Too Large", "Request size too large: the body is over the limit"), 413);
        }
        return badRequest("The request body could not be read to its end");
    }

    /** The endpoint's own accepted types; at the token endpoint, OAuth's error as every answer there is. */
    @ServerExceptionMapper
    public RestResponse<?> unsupportedType(NotSupportedException failure, UriInfo uri) {
        TitlesException refusal = AcceptedTypes.refusal(uri.getPath());
        if (AcceptedTypes.TOKEN_PATH.equals(uri.getPath())) {
            return TokenResource.error(400, "invalid_request", refusal.detail());
        }
        return envelope(ErrorEnvelope.of(415, refusal.title(), refusal.detail()), 415);
    }

    /** An {@code Accept} that names no type the endpoint answers in: said in the envelope, which is JSON all the same. */
    @ServerExceptionMapper
    public RestResponse<ErrorEnvelope> notAcceptable(NotAcceptableException failure) {
        return envelope(ErrorEnvelope.of(406, "Not Acceptable", "The answer is application/json: accept it (or */*)"), 406);
    }

    /** No resource of the REST layer at the path; where an endpoint of the router is (the stream), a method it does not take. */
    @ServerExceptionMapper
    public RestResponse<?> notFound(NotFoundException failure, UriInfo uri, Request request) {
        List<String> allowed = AllowedMethods.of(uri.getPath());
        if (allowed != null && !allowed.contains(request.getMethod())) {
            return methodNotAllowed(uri, String.join(", ", allowed));
        }
        return envelope(ErrorEnvelope.of(404, "URL not found", "No endpoint at " + shortPath(uri)), 404);
    }

    /** The REST layer names no method the endpoint takes: the {@code Allow} header comes from {@link AllowedMethods}. */
    @ServerExceptionMapper
    public RestResponse<?> notAllowed(NotAllowedException failure, UriInfo uri) {
        List<String> known = AllowedMethods.of(uri.getPath());
        return methodNotAllowed(uri, String.join(", ", known != null ? known : failure.getResponse().getAllowedMethods()));
    }

    private static RestResponse<?> methodNotAllowed(UriInfo uri, String allowed) {
        if (AcceptedTypes.TOKEN_PATH.equals(uri.getPath())) {
            return RestResponse.ResponseBuilder.fromResponse(TokenResource.error(405, "invalid_request",
                    "The token endpoint takes POST only")).header(HttpHeaders.ALLOW, allowed).build();
        }
        return RestResponse.ResponseBuilder
                .<ErrorEnvelope>create(405)
                .entity(ErrorEnvelope.of(405, "Method Not Allowed",
                        "Method not allowed on " + shortPath(uri) + "; allowed: " + allowed))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .header(HttpHeaders.ALLOW, allowed)
                .build();
    }

    @ServerExceptionMapper
    public RestResponse<ErrorEnvelope> rejected(WebApplicationException failure) {
        if (failure.getCause() instanceof JacksonException unreadable) {
            return unreadableJson(unreadable);
        }
        Response response = failure.getResponse();
        int status = response == null ? 400 : response.getStatus();
        if (status >= 500) {
            return unexpected(failure);
        }
        Response.StatusType type = Response.Status.fromStatusCode(status);
        String title = type == null ? "Invalid request" : type.getReasonPhrase();
        return envelope(ErrorEnvelope.of(status, title, title), status);
    }

    @ServerExceptionMapper
    public RestResponse<ErrorEnvelope> unexpected(Throwable failure) {
        if (failure instanceof IllegalArgumentException && String.valueOf(failure.getMessage()).startsWith("Failed to parse media type")) {
            // the REST layer cannot read a Content-Type or Accept header: the caller's mistake, not ours
            return envelope(ErrorEnvelope.of(400, "Invalid request",
                    "The Content-Type or Accept header is not a media type such as application/json"), 400);
        }
        TitlesException answer = unforeseen(failure);
        return envelope(ErrorEnvelope.of(answer.status(), answer.title(), answer.detail()), answer.status());
    }

    /** A failure nobody foresaw, logged with its stack trace, and what the caller is told of it: nothing of the trace. */
    static TitlesException unforeseen(Throwable failure) {
        LOG.error("Unexpected failure answered with 500", failure);
        return new TitlesException(500, "Internal Server Error", "The gateway failed to answer this request; it has been logged.");
    }

    private static RestResponse<ErrorEnvelope> badRequest(String detail) {
        return envelope(ErrorEnvelope.of(400, "Invalid request", detail), 400);
    }

    private static RestResponse<ErrorEnvelope> envelope(ErrorEnvelope body, int status) {
        return RestResponse.ResponseBuilder.<ErrorEnvelope>create(status).entity(body).type(MediaType.APPLICATION_JSON_TYPE).build();
    }

    /** The key a strict reader found twice ({@link StrictJson}); {@code null} for any other failure. */
    private static String duplicateKeyIn(JacksonException failure) {
        String message = failure instanceof JsonParseException ? String.valueOf(failure.getOriginalMessage()) : "";
        int start = message.indexOf('\'');
        int end = message.lastIndexOf('\'');
        return message.startsWith("Duplicate field '") && end > start ? message.substring(start + 1, end) : null;
    }

    private static String describe(JacksonException failure) {
        if (failure instanceof UnrecognizedPropertyException unknown) {
            return "Unknown key '" + clip(unknown.getPropertyName()) + "' in the request body; allowed keys: "
                    + String.join(", ", unknown.getKnownPropertyIds().stream().map(String::valueOf).sorted().toList());
        }
        if (failure instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
            String field = mismatch.getPath().stream()
                    .map(reference -> reference.getFieldName() != null ? reference.getFieldName()
                            : "[" + reference.getIndex() + "]")
                    .reduce((left, right) -> right.startsWith("[") ? left + right : left + "." + right)
                    .orElse("body");
            return "Invalid value for '" + clip(field) + "' in the request body: expected "
                    + expected(mismatch.getTargetType());
        }
        String duplicate = duplicateKeyIn(failure);
        if (duplicate != null) {
            return "Key '" + clip(duplicate) + "' appears more than once in the request body";
        }
        if (failure instanceof JsonParseException || failure instanceof MismatchedInputException) {
            return "The request body is not valid JSON";
        }
        return "The request body could not be read as JSON";
    }

    private static String expected(Class<?> type) {
        if (type == null) {
            return "another type";
        }
        if (Number.class.isAssignableFrom(type) || type == double.class || type == int.class) {
            return "a number";
        }
        if (type == String.class) {
            return "a string";
        }
        if (List.class.isAssignableFrom(type)) {
            return "an array";
        }
        return "an object";
    }

    private static String shortPath(UriInfo uri) {
        return clip(uri.getPath());
    }

    private static String clip(String value) {
        if (value == null) {
            return "";
        }
        return value.length() <= 80 ? value : value.substring(0, 80) + "…";
    }
}
