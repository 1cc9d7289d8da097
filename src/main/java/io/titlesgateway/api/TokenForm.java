package io.titlesgateway.api;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The form of a token request ({@code application/x-www-form-urlencoded}), read here rather than by
 * the HTTP layer, whose form decoder answered a broken escape ({@code client_secret=%zz}) with no
 * answer at all and a value over its 2 kB limit with a 500, each logged as an ERROR. Read as OAuth
 * asks (RFC 6749, 3.2): a parameter given twice is refused, since which of the two is meant is a
 * guess; parameters OAuth does not define are ignored.
 */
record TokenForm(String grantType, String clientId, String clientSecret, String scope) {

    /** Characters; far above any client's id, secret and scope together. */
    static final int MAX_CHARS = 8 * 1024;

    /** Why a token request's form is refused: OAuth's {@code invalid_request}, with its description. */
    static final class Refused extends RuntimeException {

        private final int status;

        Refused(int status, String description) {
            super(description, null, false, false);
            this.status = status;
        }

        int status() {
            return status;
        }
    }

    static TokenForm read(String body) {
        if (body == null || body.isEmpty()) {
            return new TokenForm(null, null, null, null);
        }
        if (body.length() > MAX_CHARS) {
            throw new Refused(413, "The token request's form may be at most " + MAX_CHARS + " characters");
        }
        Map<String, String> fields = new HashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int equals = pair.indexOf('=');
            String name = decoded(equals < 0 ? pair : pair.substring(0, equals));
            String value = equals < 0 ? "" : decoded(pair.substring(equals + 1));
            if (fields.putIfAbsent(name, value) != null && isOAuth(name)) {
                throw new Refused(400, "The parameter " + name + " appears more than once");
            }
        }
        return new TokenForm(fields.get("grant_type"), fields.get("client_id"), fields.get("client_secret"), fields.get("scope"));
    }

    private static boolean isOAuth(String name) {
        return name.equals("grant_type") || name.equals("client_id") || name.equals("client_secret") || name.equals("scope");
    }

    private static String decoded(String encoded) {
        try {
            return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException brokenEscape) {
            throw new Refused(400, "The form is not valid application/x-www-form-urlencoded: a % must begin an escape such as %2F");
        }
    }
}
