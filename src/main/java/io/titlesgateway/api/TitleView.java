package io.titlesgateway.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.titlesgateway.titles.Title;

/** Shapes a title for a caller: exactly the fields it asked for, in its order. */
final class TitleView {

    /** What a single-title lookup always shows, as upstream; other known properties follow when present. */
    private static final List<String> DETAIL = List.of("id", "name", "pluralName", "removedVersion", "addedVersion");
    private static final List<String> DETAIL_OPTIONAL = List.of("isSupervisor", "levelBand", "infoUrl", "mapping");

    private TitleView() {
    }

    static Map<String, Object> of(Title title, List<String> fields) {
        if (title == null) {
            return null;
        }
        Map<String, Object> view = new LinkedHashMap<>();
        for (String field : fields) {
            view.put(field, valueOf(title, field));
        }
        return view;
    }

    static List<Map<String, Object>> of(List<Title> titles, List<String> fields) {
        return titles.stream().map(title -> of(title, fields)).toList();
    }

    static Map<String, Object> detail(Title title) {
        Map<String, Object> view = of(title, DETAIL);
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
