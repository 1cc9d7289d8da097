package io.titlesgateway.api;

import io.titlesgateway.titles.TitlesException;

/**
 * Refuses a query string that does not spell UTF-8 text: a percent-escape that is not part of a
 * UTF-8 character ({@code q=%C0%AE}, half of {@code %C3%A9}), or a raw byte beyond ASCII. The HTTP
 * layer would not refuse either: it reads a bad escape as U+FFFD and a raw byte as a Latin-1
 * character, and the gateway would ask Lightcast about a title nobody wrote. A query is ASCII
 * (RFC 3986); the text in it is UTF-8, percent-encoded. {@link RequestLimits} asks, before anything
 * else reads the query.
 */
final class QueryEncoding {

    private static final TitlesException NOT_ASCII = TitlesException.badRequest(
            "The query must be ASCII: percent-encode other characters as UTF-8 (RFC 3986), é as %C3%A9");
    private static final TitlesException NOT_UTF8 = TitlesException.badRequest(
            "The query's percent-escapes must spell UTF-8 text (RFC 3986), é as %C3%A9");

    private QueryEncoding() {
    }

    /** Why {@code query} (raw, as sent) is refused; {@code null} if it is ASCII and its escapes spell UTF-8. */
    static TitlesException refusalOf(String query) {
        if (query == null) {
            return null;
        }
        boolean escapesBeyondAscii = false;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            if (c > 0x7E) {
                return NOT_ASCII;
            }
            if (c == '%' && i + 1 < query.length() && Character.digit(query.charAt(i + 1), 16) >= 8) {
                escapesBeyondAscii = true;
            }
        }
        return escapesBeyondAscii && !escapesSpellUtf8(query) ? NOT_UTF8 : null;
    }

    /** Whether the query, its escapes decoded to bytes, is UTF-8; an escape that is not one (a lone {@code %}) is left as written. */
    private static boolean escapesSpellUtf8(String query) {
        byte[] bytes = new byte[query.length()];
        int length = 0;
        for (int i = 0; i < query.length(); i++) {
            char c = query.charAt(i);
            int high = i + 2 < query.length() ? Character.digit(query.charAt(i + 1), 16) : -1;
            int low = high >= 0 ? Character.digit(query.charAt(i + 2), 16) : -1;
            if (c == '%' && low >= 0) {
                bytes[length++] = (byte) (high << 4 | low);
                i += 2;
            } else {
                bytes[length++] = (byte) c;
            }
        }
        return Utf8.decodeOrNull(bytes, 0, length) != null;
    }
}
