package io.titlesgateway.api;

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

    /** The longest version name: {@code latest} or a name such as {@code 5.47}. */
    private static final int MAX_VERSION_CHARS = 32;
    /** The longest title id. */
    private static final int MAX_TITLE_ID_CHARS = 64;
    static final String VERSION_MESSAGE = "version must be 'latest' or a version name such as 5.47 "
            + "(letters, digits, '.', '-' and '_', at most 32 characters)";
    static final String TITLE_ID_MESSAGE = "title id must be letters and digits such as ET3B93055220D592C8";

    private InputLimits() {
    }

    /**
     * A version from the path, checked by hand as every input is: the lookups are the hot path, where
     * a validation framework, or even a regular expression's matcher, costs a cache hit more than its lookup.
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

    /** {@code latest} or a version name: a letter or digit, then letters, digits, '.', '-' and '_'; never {@code ..}. */
    static boolean isVersion(String version) {
        return isName(version, MAX_VERSION_CHARS, true);
    }

    /** A title id: a letter or digit, then letters, digits, '-' and '_'. */
    static boolean isTitleId(String titleId) {
        return isName(titleId, MAX_TITLE_ID_CHARS, false);
    }

    /** A letter or digit, then letters, digits, '-', '_' and, if dots are allowed, single '.'s; at most so many characters. */
    private static boolean isName(String name, int maxChars, boolean dotsAllowed) {
        if (name == null || name.isEmpty() || name.length() > maxChars || !isLetterOrDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean allowed = isLetterOrDigit(c) || c == '-' || c == '_' || dotsAllowed && c == '.' && name.charAt(i - 1) != '.';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** An ASCII letter or digit (not {@link Character#isLetterOrDigit}, which takes every script's). */
    private static boolean isLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }
}
