package io.titlesgateway.api;

import io.titlesgateway.titles.TitlesException;

/**
 * Refuses a path with matrix parameters ({@code ;name=value} in a segment) before anything else
 * reads it ({@link RequestLimits} asks). The REST layer drops them when it matches a path, the
 * gateway's routes do not: the two would read {@code /titles;x/versions/5.47/normalize} as different
 * paths, and only the REST layer's reading names an endpoint, so the checks that go by path
 * (authentication, the caller's caps, the hit path, the body limit) would look at a path no endpoint
 * has. No Lightcast endpoint takes matrix parameters; a {@code ;} a title needs travels
 * percent-encoded, as {@code %3B}.
 */
final class MatrixParameters {

    private static final TitlesException REFUSED = new TitlesException(400, "Invalid request",
            "The path may not hold ';' (matrix parameters): no endpoint takes them; percent-encode a ';' that belongs to a value as %3B");

    private MatrixParameters() {
    }

    /** Why {@code path} (raw, as sent) is refused; {@code null} if it holds no matrix parameters. */
    static TitlesException refusalOf(String path) {
        return path != null && path.indexOf(';') >= 0 ? REFUSED : null;
    }
}
