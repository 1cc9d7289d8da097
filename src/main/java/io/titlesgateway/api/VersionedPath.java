package io.titlesgateway.api;

/**
 * A path under {@code /titles/versions/{version}}, cut into its version and the rest, read by hand:
 * the routes that answer hits and streams take every request under the prefix, and a route with a
 * path parameter would match each one against a regular expression.
 *
 * @param version the version segment, as it stands in the path (checked later, like every version)
 * @param rest what follows the version, from its {@code /}
 */
record VersionedPath(String version, String rest) {

    static final String PREFIX = "/titles/versions/";

    /** The version and the rest of a path; {@code null} if the path is not under the prefix, its version is empty or nothing follows it. */
    static VersionedPath of(String path) {
        if (path == null || !path.startsWith(PREFIX)) {
            return null;
        }
        int versionEnd = path.indexOf('/', PREFIX.length());
        if (versionEnd <= PREFIX.length()) {
            return null;
        }
        return new VersionedPath(path.substring(PREFIX.length(), versionEnd), path.substring(versionEnd));
    }
}
