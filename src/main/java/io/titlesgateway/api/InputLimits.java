package io.titlesgateway.api;

import java.util.regex.Pattern;

import io.titlesgateway.titles.TitlesException;

/** The bounds the gateway enforces on what callers send, most of them the upstream's own. */
final class InputLimits {

    /** A raw title, or a search text, in UTF-8 bytes (Lightcast: 1 kB). */
    static final int MAX_TERM_BYTES = 1024;
    /** Terms in one bulk call (Lightcast: 500). */
    static final int MAX_BULK_TERMS = 500;
    /** Ids in one fetch-by-ids call; Lightcast documents no bound, the gateway sets one. */
    static final int MAX_IDS = 1000;
    /** Largest page size for listing and search; Lightcast documents no bound, the gateway sets one. */
    static final int MAX_LIMIT = 1000;
    /** Largest page number for listing and search. */
    static final int MAX_PAGE = 100_000;
    /** Candidates inspect may return (Lightcast: 0–100). */
    static final int MAX_INSPECT_LIMIT = 100;

    /** {@code latest} or a version name: letters, digits, dots, dashes; never {@code ..}. */
    static final String VERSION_PATTERN = "(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._-]{0,31}";
    static final String VERSION_MESSAGE = "version must be 'latest' or a version name such as 5.47 "
            + "(letters, digits, '.', '-' and '_', at most 32 characters)";
    /** A title id: letters, digits, dashes and underscores. */
    static final String TITLE_ID_PATTERN = "[A-Za-z0-9][A-Za-z0-9_-]{0,63}";
    static final String TITLE_ID_MESSAGE = "title id must be letters and digits such as ET3B93055220D592C8";

    private static final Pattern VERSION = Pattern.compile(VERSION_PATTERN);
    private static final Pattern TITLE_ID = Pattern.compile(TITLE_ID_PATTERN);

    private InputLimits() {
    }

    /**
     * A version from the path, checked by hand as every input is: the lookups are the hot path, and a
     * compiled pattern is the rule at a fraction of a validation framework's cost.
     */
    static String version(String version) {
        if (!isVersion(version)) {
            throw TitlesException.badRequest(VERSION_MESSAGE);
        }
        return version;
    }

    /** A title id from the path, checked like {@link #version(String)}. */
    static String titleId(String titleId) {
        if (!isTitleId(titleId)) {
            throw TitlesException.badRequest(TITLE_ID_MESSAGE);
        }
        return titleId;
    }

    static boolean isVersion(String version) {
        return version != null && VERSION.matcher(version).matches();
    }

    static boolean isTitleId(String titleId) {
        return titleId != null && TITLE_ID.matcher(titleId).matches();
    }
}
