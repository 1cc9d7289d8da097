package io.titlesgateway.titles;

import java.util.List;

/**
 * What an answer lacks that every answer of its kind holds: a list item, a title's id (what the
 * caches key on), a bulk result's term, the latest version in the service's metadata, a version's
 * fields. Held against what Lightcast sends and what is read back from a shared cache or the answer
 * file, so that code further on can trust them; a title or a match may be absent ({@code null}) as a
 * whole, which is Lightcast's "no such title" or "no match", never in part.
 */
public final class MissingParts {

    private MissingParts() {
    }

    /** What {@code value} lacks, in words, or {@code null} if it is whole. */
    public static String of(Object value) {
        if (value instanceof List<?> items) {
            for (Object item : items) {
                String missing = item == null ? "a list item that is null" : ofItem(item);
                if (missing != null) {
                    return missing;
                }
            }
            return null;
        }
        return value == null ? null : ofItem(value);
    }

    private static String ofItem(Object item) {
        if (item instanceof Title title) {
            return title.id() == null ? "a title without its id" : null;
        }
        if (item instanceof Normalization match) {
            return match.title() == null ? null : ofItem(match.title());
        }
        if (item instanceof BulkNormalization result) {
            return result.term() == null ? "a bulk result without its term" : result.title() == null ? null : ofItem(result.title());
        }
        if (item instanceof ServiceMeta meta) {
            return meta.latestVersion() == null ? "no latestVersion" : null;
        }
        if (item instanceof VersionInfo version) {
            return version.fields() == null ? "a version without its fields" : null;
        }
        return null;
    }
}
