package io.titlesgateway.lightcast;

import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.jboss.logging.Logger;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.oidc.client.OidcClientException;
import io.titlesgateway.titles.TitlesException;

/**
 * Turns whatever went wrong on the way to Lightcast into an answer a caller can act on. Upstream
 * client errors pass through in the envelope; everything that is the gateway's or Lightcast's
 * problem becomes a 5xx that says so, never a raw upstream page or a stack trace.
 */
final class LightcastErrors {

    private static final Logger LOG = Logger.getLogger(LightcastErrors.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DETAIL = 500;
    private static final long DEFAULT_RETRY_AFTER_SECONDS = 1;

    private LightcastErrors() {
    }

    /** The HTTP status Lightcast answered, or a word for what happened instead; for metrics. */
    static String outcome(Throwable failure) {
        WebApplicationException rejection = causeOfType(failure, WebApplicationException.class);
        if (rejection != null && rejection.getResponse() != null) {
            return String.valueOf(rejection.getResponse().getStatus());
        }
        UnreadableAnswer unreadable = unreadable(failure);
        if (causeOfType(failure, OidcClientException.class) != null || unreadable != null && unreadable.fromAuthServer()) {
            return "token_error";
        }
        if (unreadable != null) {
            return "unreadable";
        }
        if (causeOfType(failure, TimeoutException.class) != null || namesATimeout(failure)) {
            return "timeout";
        }
        return "io_error";
    }

    /** True when Lightcast refused the bearer token: the one failure worth a retry with a fresh token. */
    static boolean isUnauthorized(Throwable failure) {
        WebApplicationException rejection = causeOfType(failure, WebApplicationException.class);
        return rejection != null && rejection.getResponse() != null && rejection.getResponse().getStatus() == 401;
    }

    static TitlesException translate(Throwable failure, String endpoint) {
        if (failure instanceof TitlesException answer) {
            return answer;
        }
        WebApplicationException rejection = causeOfType(failure, WebApplicationException.class);
        if (rejection != null && rejection.getResponse() != null) {
            return fromResponse(rejection.getResponse(), endpoint);
        }
        UnreadableAnswer unreadable = unreadable(failure);
        if (unreadable != null) {
            return fromUnreadable(unreadable, endpoint);
        }
        OidcClientException tokenFailure = causeOfType(failure, OidcClientException.class);
        if (tokenFailure != null) {
            return fromTokenFailure(tokenFailure);
        }
        if (causeOfType(failure, TimeoutException.class) != null || namesATimeout(failure)) {
            LOG.warnf("Lightcast %s timed out", endpoint);
            return LightcastUnavailable.tooSlow("Lightcast did not answer " + endpoint + " in time.");
        }
        if (!isTransportFailure(failure)) {
            LOG.errorf(failure, "Unexpected failure while calling Lightcast %s", endpoint);
            return new TitlesException(500, "Internal Server Error",
                    "The gateway failed while calling Lightcast; the failure has been logged.");
        }
        LOG.warnf("Lightcast %s could not be reached: %s", endpoint, describe(failure));
        String reason = causeOfType(failure, ConnectException.class) != null ? "refused the connection" : "could not be reached";
        return LightcastUnavailable.unreachable("Lightcast " + reason + " while serving " + endpoint + ".");
    }

    /**
     * The answer that could not be read, if that is what failed: one the gateway's checks refused,
     * or one the JSON reader could not parse into what the endpoint answers (the auth server's, when
     * the token request failed so).
     */
    private static UnreadableAnswer unreadable(Throwable failure) {
        UnreadableAnswer refused = causeOfType(failure, UnreadableAnswer.class);
        if (refused != null) {
            return refused;
        }
        if (causeOfType(failure, JsonProcessingException.class) == null) {
            return null;
        }
        String what = "not valid JSON, or not of the shape its contract gives";
        return causeOfType(failure, OidcClientException.class) != null ? UnreadableAnswer.ofAuthServer(what) : UnreadableAnswer.ofApi(what);
    }

    private static TitlesException fromUnreadable(UnreadableAnswer unreadable, String endpoint) {
        if (unreadable.fromAuthServer()) {
            LOG.warnf("Lightcast's auth server answered a token request with what is not a token: %s", unreadable.getMessage());
            return LightcastUnavailable.unreachable("The gateway could not obtain a Lightcast token: the auth server's answer "
                    + "is not a token (" + unreadable.getMessage() + "); check LIGHTCAST_AUTH_URL.");
        }
        LOG.warnf("Lightcast's answer to %s cannot be read: %s", endpoint, unreadable.getMessage());
        String detail = "Lightcast answered " + endpoint + " with what the gateway cannot read (" + unreadable.getMessage() + ").";
        return costsQuota(endpoint) ? LightcastUnavailable.answeredUnreadably(detail) : LightcastUnavailable.unreachable(detail);
    }

    /** Whether a call to {@code endpoint} counts against the normalize quota: normalize, inspect and bulk. */
    private static boolean costsQuota(String endpoint) {
        return endpoint.startsWith("/normalize");
    }

    private static TitlesException fromResponse(Response response, String endpoint) {
        int status = response.getStatus();
        return switch (status) {
            case 400, 404, 413, 415, 422 -> passThrough(response, status);
            case 401, 403 -> {
                LOG.warnf("Lightcast refused the gateway's credentials on %s (HTTP %d)", endpoint, status);
                yield TitlesException.badGateway("Lightcast refused the gateway's credentials for " + endpoint
                        + ": they are wrong, or the Lightcast client lacks the permission for this endpoint.");
            }
            case 429 -> rateLimited(response);
            default -> {
                LOG.warnf("Lightcast answered %s with HTTP %d", endpoint, status);
                yield LightcastUnavailable.unreachable("Lightcast failed to serve " + endpoint + " (HTTP " + status + ").");
            }
        };
    }

    private static TitlesException rateLimited(Response response) {
        boolean quota = "0".equals(String.valueOf(response.getHeaderString("RateLimit-Remaining")).strip());
        String detail = quota
                ? "The gateway's Lightcast normalize quota is used up; it resets later (see Retry-After)."
                : "Lightcast's rate limit for the gateway's client is spent; try again later.";
        return new LightcastRateLimited(detail, retryAfterSeconds(response), quota, response.getHeaderString("RateLimit-Reset"));
    }

    private static TitlesException passThrough(Response response, int status) {
        String fallbackTitle = Response.Status.fromStatusCode(status) == null ? "Invalid request"
                : Response.Status.fromStatusCode(status).getReasonPhrase();
        JsonNode error = firstError(response);
        String title = text(error, "title", fallbackTitle);
        String detail = text(error, "detail", "Lightcast rejected the request (HTTP " + status + ").");
        return new TitlesException(status, title, detail);
    }

    private static TitlesException fromTokenFailure(OidcClientException failure) {
        String message = String.valueOf(failure.getMessage());
        if (message.contains("invalid_client") || message.contains("unauthorized_client")) {
            LOG.warn("Lightcast's auth server refused the gateway's client credentials");
            return TitlesException.badGateway("Lightcast's auth server refused the gateway's credentials "
                    + "(invalid_client): check LIGHTCAST_CLIENT_ID and LIGHTCAST_CLIENT_SECRET.");
        }
        if (message.contains("invalid_scope")) {
            LOG.warn("Lightcast's auth server refused the configured scope");
            return TitlesException.badGateway("Lightcast's auth server refused the requested scope "
                    + "(invalid_scope): check LIGHTCAST_SCOPE.");
        }
        LOG.warnf("No Lightcast token could be obtained: %s", failure.getClass().getSimpleName());
        return LightcastUnavailable.unreachable("The gateway could not obtain a Lightcast token: the auth server could not be "
                + "reached (check LIGHTCAST_AUTH_URL, and that the server is up) or did not answer.");
    }

    /** Retry-After if Lightcast sent it, else RateLimit-Reset when it reads as seconds; bounded either way. */
    static long retryAfterSeconds(Response response) {
        for (String header : new String[] { "Retry-After", "RateLimit-Reset" }) {
            String value = response.getHeaderString(header);
            if (value != null) {
                try {
                    long seconds = Long.parseLong(value.strip());
                    return TitlesException.retryAfterBounded(seconds);
                } catch (NumberFormatException notSeconds) {
                    // an HTTP date or an epoch we cannot trust; try the next header
                }
            }
        }
        return DEFAULT_RETRY_AFTER_SECONDS;
    }

    private static JsonNode firstError(Response response) {
        try {
            String body = response.readEntity(String.class);
            JsonNode errors = body == null ? null : JSON.readTree(body).get("errors");
            return errors != null && errors.isArray() && !errors.isEmpty() ? errors.get(0) : null;
        } catch (RuntimeException | java.io.IOException unreadable) {
            return null;
        }
    }

    private static String text(JsonNode node, String field, String fallback) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isTextual() || value.asText().isBlank()) {
            return fallback;
        }
        String text = value.asText();
        return text.length() <= MAX_DETAIL ? text : text.substring(0, MAX_DETAIL) + "…";
    }

    /** The connection failed, closed or reset: Lightcast's side, not a bug of ours. */
    private static boolean isTransportFailure(Throwable failure) {
        if (causeOfType(failure, java.io.IOException.class) != null
                || causeOfType(failure, jakarta.ws.rs.ProcessingException.class) != null
                || causeOfType(failure, io.vertx.core.VertxException.class) != null) {
            return true;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            String name = cause.getClass().getName();
            if (name.startsWith("io.netty.") || name.startsWith("io.vertx.")) {
                return true;
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return false;
    }

    private static boolean namesATimeout(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause.getClass().getSimpleName().contains("Timeout")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName();
    }

    private static <T extends Throwable> T causeOfType(Throwable failure, Class<T> type) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
            if (cause.getCause() == cause) {
                break;
            }
        }
        return null;
    }
}
