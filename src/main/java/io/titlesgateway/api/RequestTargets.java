package io.titlesgateway.api;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

import io.titlesgateway.titles.TitlesException;
import io.vertx.ext.web.RoutingContext;

/**
 * Refuses a request target that is not a URI (RFC 3986): a {@code %} that starts no escape
 * ({@code q=100%}, {@code %zz}), or a character a URI never holds as written ({@code "}, {@code |},
 * {@code <}, a space, a bracket in a path). The same targets Quarkus's HTTP layer refuses with an
 * empty 400 ({@link GatewayMain} hands the check to the gateway); here they are refused in the error
 * envelope, saying where. {@link RequestLimits} asks before anything else reads the path or query.
 */
final class RequestTargets {

    private RequestTargets() {
    }

    /** Why {@code target} (raw, as sent) is refused; {@code null} if it is a URI. */
    static TitlesException refusalOf(String target) {
        if (target == null || target.isEmpty()) {
            return TitlesException.badRequest("The request has no target");
        }
        try {
            new URI(target);
            return null;
        } catch (URISyntaxException notAUri) {
            String where = notAUri.getIndex() < 0 ? "" : " at character " + (notAUri.getIndex() + 1);
            return TitlesException.badRequest("The request target is not a valid URI (RFC 3986): "
                    + notAUri.getReason().toLowerCase(Locale.ROOT) + where
                    + "; percent-encode as UTF-8 what a URI does not hold as written (a literal % as %25, a space as %20, \" as %22)");
        }
    }

    /**
     * The path as the routes read it, normalized; {@code null} for a target that is no URI, whose
     * normalization fails (it is refused first, but the handlers before and during that refusal read it).
     */
    static String normalizedPathOrNull(RoutingContext routing) {
        try {
            return routing.normalizedPath();
        } catch (IllegalArgumentException notAUri) {
            return null;
        }
    }
}
