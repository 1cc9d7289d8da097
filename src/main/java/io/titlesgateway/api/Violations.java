package io.titlesgateway.api;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What is wrong with a request body, field by field, refused in one answer: 413 when anything is
 * over a limit (as the upstream answers), 400 otherwise. Checked by hand rather than by Bean
 * Validation, whose factory took a quarter of the gateway's start-up for four small records.
 */
final class Violations {

    /** Why a JSON string that is not Unicode text is refused, for a field or a stream's line. */
    static final String UNPAIRED_SURROGATE = "must be Unicode text; it holds half of a surrogate pair (\\uD800 to \\uDFFF) alone";

    private final List<Violation> found = new ArrayList<>();

    /** The body itself, absent when the caller sent none. */
    static <T> T required(T body, String detail) {
        if (body == null) {
            throw new Refusal(400, List.of(new ErrorEnvelope.Item(400, Refusal.INVALID, detail)));
        }
        return body;
    }

    Violations notBlank(String field, String value) {
        if (value == null || value.isBlank()) {
            found.add(new Violation(field, "must not be blank", false));
        }
        return this;
    }

    Violations atMostBytes(String field, String value, int maxBytes) {
        if (value != null && Utf8.length(value) > maxBytes) {
            found.add(new Violation(field, "must be at most " + maxBytes + " bytes in UTF-8", true));
        }
        return this;
    }

    /** A term: present, not blank, Unicode text, within its bytes. */
    Violations term(String field, String value) {
        return notBlank(field, value).wellFormed(field, value).atMostBytes(field, value, InputLimits.MAX_TERM_BYTES);
    }

    Violations wellFormed(String field, String value) {
        if (value != null && !Utf8.isWellFormed(value)) {
            found.add(new Violation(field, UNPAIRED_SURROGATE, false));
        }
        return this;
    }

    Violations between(String field, Number value, long min, long max) {
        if (value != null && value.doubleValue() < min) {
            found.add(new Violation(field, "must be greater than or equal to " + min, false));
        } else if (value != null && value.doubleValue() > max) {
            found.add(new Violation(field, "must be less than or equal to " + max, false));
        }
        return this;
    }

    /** A list of 1 to {@code max} {@code noun}s; its items are checked apart. */
    Violations list(String field, List<?> list, int max, String noun) {
        if (list == null) {
            found.add(new Violation(field, "must not be null", false));
        } else if (list.isEmpty()) {
            found.add(new Violation(field, "must hold at least one " + noun, false));
        } else if (list.size() > max) {
            found.add(new Violation(field, "must hold at most " + max + " " + noun + "s", true));
        }
        return this;
    }

    Violations add(String field, String message) {
        found.add(new Violation(field, message, false));
        return this;
    }

    /** Refuses the request if anything was found. */
    void refuseAny() {
        if (found.isEmpty()) {
            return;
        }
        boolean oversize = found.stream().anyMatch(Violation::oversize);
        int status = oversize ? 413 : 400;
        String title = oversize ? Refusal.TOO_LARGE : Refusal.INVALID;
        List<ErrorEnvelope.Item> items = found.stream()
                .sorted(Comparator.comparing(Violation::field))
                .map(violation -> new ErrorEnvelope.Item(status, title, violation.field() + ": " + violation.message()))
                .distinct()
                .toList();
        throw new Refusal(status, items);
    }

    private record Violation(String field, String message, boolean oversize) {
    }

    /** A refused body, answered with one envelope item per violation. */
    static final class Refusal extends RuntimeException {

        static final String INVALID = "Invalid request";
        static final String TOO_LARGE = "Payload Too Large";

        private final int status;
        private final transient List<ErrorEnvelope.Item> items;

        Refusal(int status, List<ErrorEnvelope.Item> items) {
            super(items.get(0).detail(), null, false, false);
            this.status = status;
            this.items = items;
        }

        int status() {
            return status;
        }

        ErrorEnvelope envelope() {
            return new ErrorEnvelope(items);
        }
    }
}
