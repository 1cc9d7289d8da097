package io.titlesgateway.titles;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The title properties a caller may ask for with {@code fields}, and how to read a selection. */
public final class TitleFields {

    /** Every property any Titles version offers; a version lists its own subset. */
    public static final List<String> KNOWN =
            List.of("id", "name", "pluralName", "isSupervisor", "levelBand", "infoUrl", "mapping");

    /** What the upstream returns when a caller names no fields. */
    public static final List<String> DEFAULT = List.of("id", "name");

    private TitleFields() {
    }

    /**
     * The selection a caller made, in its order and without repeats; {@link #DEFAULT} when it made
     * none. Names outside {@link #KNOWN} are refused, so the upstream never sees them.
     */
    public static List<String> select(List<String> requested) {
        if (requested == null) {
            return DEFAULT;
        }
        if (requested.isEmpty()) {
            throw TitlesException.badRequest("fields must name at least one of " + String.join(", ", KNOWN));
        }
        Set<String> selection = new LinkedHashSet<>();
        for (String field : requested) {
            String name = field == null ? "" : field.strip();
            if (!KNOWN.contains(name)) {
                throw TitlesException.badRequest("Unknown field '" + abbreviate(name) + "' in fields; allowed: "
                        + String.join(", ", KNOWN));
            }
            selection.add(name);
        }
        return List.copyOf(selection);
    }

    /** Reads the comma-separated form used in query strings. */
    public static List<String> selectFromQuery(String commaSeparated) {
        if (commaSeparated == null) {
            return DEFAULT;
        }
        List<String> names = new ArrayList<>();
        for (String part : commaSeparated.split(",", -1)) {
            names.add(part);
        }
        return select(names);
    }

    private static String abbreviate(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "…";
    }
}
