package io.titlesgateway.store;

import java.io.IOException;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * How a value is written in the shared cache and in a replica's inbox: {@code {"f":FORMAT,"v":value}}.
 * Every answer another replica fetched passes through here, so the value is written and read in one
 * pass, without building a JSON tree of it first; the text is the same as the tree's would be.
 */
public final class SharedEntries {

    private final ObjectMapper json;
    private final int format;
    private final String head;

    public SharedEntries(ObjectMapper json, int format) {
        this.json = json;
        this.format = format;
        this.head = "{\"f\":" + format + ",\"v\":";
    }

    public String encode(Object value) {
        try {
            return head + json.writeValueAsString(value) + "}";
        } catch (IOException unwritable) {
            throw new IllegalStateException("An answer could not be written for the shared cache", unwritable);
        }
    }

    /**
     * The value of an entry this release wrote, {@code null} inside {@link Entry} where it was
     * {@code null}; {@code null} itself where the entry is of another format or not an entry.
     */
    public <T> Entry<T> decode(String stored, JavaType type) throws IOException {
        try (JsonParser parser = json.createParser(stored)) {
            if (parser.nextToken() != JsonToken.START_OBJECT || !"f".equals(parser.nextFieldName())
                    || parser.nextToken() != JsonToken.VALUE_NUMBER_INT || parser.getIntValue() != format
                    || !"v".equals(parser.nextFieldName())) {
                return null;
            }
            T value = parser.nextToken() == JsonToken.VALUE_NULL ? null : json.readValue(parser, type);
            return parser.nextToken() == JsonToken.END_OBJECT ? new Entry<>(value) : null;
        }
    }

    /** A value read back; a record, so that a {@code null} answer and an unreadable entry differ. */
    public record Entry<T>(T value) {
    }
}
