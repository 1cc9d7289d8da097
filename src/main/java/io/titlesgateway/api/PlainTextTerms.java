package io.titlesgateway.api;

import java.util.ArrayList;
import java.util.List;

import io.titlesgateway.titles.TitlesException;

/**
 * Reads the text/plain bodies of the normalize endpoints: one raw title, or one per line for bulk.
 * The text must be UTF-8, as Lightcast requires: a body that is not is refused, never sent upstream
 * with its bytes replaced.
 */
final class PlainTextTerms {

    private PlainTextTerms() {
    }

    static String single(byte[] body) {
        return single(Utf8.decode(body, "The body is not valid UTF-8 text"));
    }

    static List<String> lines(byte[] body) {
        return lines(Utf8.decode(body, "The body is not valid UTF-8 text"));
    }

    static String single(String body) {
        String term = body == null ? "" : body.strip();
        if (term.isEmpty()) {
            throw TitlesException.badRequest("The body must hold the raw title to normalize; it is empty");
        }
        return checkedSize(term);
    }

    /** One term per line; blank lines are skipped. */
    static List<String> lines(String body) {
        List<String> terms = new ArrayList<>();
        if (body != null) {
            for (String line : body.split("\\R")) {
                String term = line.strip();
                if (!term.isEmpty()) {
                    if (terms.size() == InputLimits.MAX_BULK_TERMS) {
                        throw TitlesException.payloadTooLarge("A bulk request may hold at most "
                                + InputLimits.MAX_BULK_TERMS + " terms, one per line");
                    }
                    terms.add(checkedSize(term));
                }
            }
        }
        if (terms.isEmpty()) {
            throw TitlesException.badRequest("The body must hold at least one raw title, one per line; it is empty");
        }
        return terms;
    }

    private static String checkedSize(String term) {
        if (Utf8.length(term) > InputLimits.MAX_TERM_BYTES) {
            throw TitlesException.payloadTooLarge("A raw title may be at most " + InputLimits.MAX_TERM_BYTES
                    + " bytes in UTF-8");
        }
        return term;
    }
}
