package io.titlesgateway.api;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.ObjectCodec;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

/**
 * A view of a title as callers see it, serialized once: the first answer that carries it writes
 * its JSON as usual and keeps it, every later one copies those bytes. Views are kept per cached
 * title and field selection ({@link TitleView}), so a cache hit costs no serialization of the title.
 */
@JsonSerialize(using = PreparedView.Writer.class)
final class PreparedView extends AbstractMap<String, Object> {

    private final Map<String, Object> fields;
    /** The fields as JSON, once first written; the same whichever answer writes them, so a race only writes twice. */
    private volatile SerializedString json;
    private volatile byte[] envelope;

    PreparedView(Map<String, Object> fields) {
        this.fields = fields;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        return fields.entrySet();
    }

    /** The whole answer carrying this view, {@code {"data": …}}, as UTF-8: made once, with {@code mapper}. */
    byte[] envelope(ObjectMapper mapper) throws IOException {
        byte[] bytes = envelope;
        if (bytes == null) {
            bytes = mapper.writeValueAsBytes(new DataEnvelope<>(this));
            envelope = bytes;
        }
        return bytes;
    }

    static final class Writer extends StdSerializer<PreparedView> {

        Writer() {
            super(PreparedView.class);
        }

        @Override
        public void serialize(PreparedView view, JsonGenerator generator, SerializerProvider provider) throws IOException {
            SerializedString json = view.json;
            if (json == null) {
                ObjectCodec codec = generator.getCodec();
                if (!(codec instanceof ObjectMapper mapper)) {
                    provider.defaultSerializeValue(view.fields, generator); // no mapper to keep the bytes with
                    return;
                }
                json = new SerializedString(mapper.writeValueAsString(view.fields));
                view.json = json;
            }
            generator.writeRawValue(json);
        }
    }
}
