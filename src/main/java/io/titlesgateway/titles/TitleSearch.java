package io.titlesgateway.titles;

import java.util.List;

/** A listing or search of a version's titles; {@code q}, {@code limit} and {@code page} are optional. */
public record TitleSearch(String q, Integer limit, Integer page, List<String> fields) {
}
