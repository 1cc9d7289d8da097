package io.titlesgateway.api;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.titlesgateway.titles.Title;

/**
 * Shapes a title for a caller: exactly the fields it asked for, in its order. Each view is made
 * once per title and selection and kept with the title (as long as a cache keeps the title, at
 * most {@value #SELECTIONS_KEPT} selections each), serialized once ({@link PreparedView}).
 */
final class TitleView {

    /** Titles whose views are kept: those some cache holds (the keys are weak), at most this many. */
    private static final int TITLES_KEPT = 20_000;
    /** Selections kept per title: callers mostly ask for the same few; a rarer one is shaped for its answer only. */
    private static final int SELECTIONS_KEPT = 4;
    /** Stands for the detail view among the selections. */
    private static final List<String> DETAIL_KEY = List.of("*detail");
    private static final KeptPerSelection<Title, PreparedView> KEPT = new KeptPerSelection<>(TITLES_KEPT, SELECTIONS_KEPT);
    /** Per cached search answer (the very list the cache holds), its envelope's bytes per field selection. */
    private static final KeptPerSelection<List<Title>, byte[]> LISTS_KEPT = new KeptPerSelection<>(TITLES_KEPT, SELECTIONS_KEPT);

    /** What a single-title lookup always shows, as upstream; other known properties follow when present. */
    private static final List<String> DETAIL = List.of("id", "name", "pluralName", "removedVersion", "addedVersion");
    private static final List<String> DETAIL_OPTIONAL = List.of("isSupervisor", "levelBand", "infoUrl", "mapping");

    private TitleView() {
    }

    static Map<String, Object> of(Title title, List<String> fields) {
        if (title == null) {
            return null;
        }
        return kept(title, fields, () -> shaped(title, fields));
    }

    private static Map<String, Object> shaped(Title title, List<String> fields) {
        Map<String, Object> view = new LinkedHashMap<>();
        for (String field : fields) {
            view.put(field, valueOf(title, field));
        }
        return view;
    }

    /** The view of {@code title} kept for {@code selection}, shaped now if there is none. */
    private static PreparedView kept(Title title, List<String> selection, Supplier<Map<String, Object>> shape) {
        return KEPT.get(title, selection, () -> new PreparedView(shape.get()));
    }

    static List<Map<String, Object>> of(List<Title> titles, List<String> fields) {
        return titles.stream().map(title -> of(title, fields)).toList();
    }

    /**
     * A search's or listing's whole answer, {@code {"data": […]}}, as UTF-8, made once per cached
     * list and field selection with {@code mapper}: a hit on it then costs no serialization at all.
     */
    static byte[] listEnvelope(List<Title> titles, List<String> fields, ObjectMapper mapper) throws IOException {
        return LISTS_KEPT.get(titles, fields, () -> mapper.writeValueAsBytes(new DataEnvelope<>(of(titles, fields))));
    }

    static Map<String, Object> detail(Title title) {
        return prepared(title);
    }

    /** The detail view, prepared: what a single-title lookup answers, its bytes kept with it. */
    static PreparedView prepared(Title title) {
        return kept(title, DETAIL_KEY, () -> shapedDetail(title));
    }

    private static Map<String, Object> shapedDetail(Title title) {
        Map<String, Object> view = shaped(title, DETAIL);
        for (String field : DETAIL_OPTIONAL) {
            Object value = valueOf(title, field);
            if (value != null) {
                view.put(field, value);
            }
        }
        return view;
    }

    private static Object valueOf(Title title, String field) {
        return switch (field) {
            case "id" -> title.id();
            case "name" -> title.name();
            case "pluralName" -> title.pluralName();
            case "isSupervisor" -> title.isSupervisor();
            case "levelBand" -> title.levelBand();
            case "infoUrl" -> title.infoUrl();
            case "mapping" -> title.mapping();
            case "removedVersion" -> title.removedVersion();
            case "addedVersion" -> title.addedVersion();
            default -> throw new IllegalArgumentException("not a title field: " + field);
        };
    }
}
