package io.titlesgateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.Reference;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitleMapping;

/** The shared cache's entries are written as replicas of earlier releases wrote them, and read back whole, or not at all. */
class SharedEntriesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SharedEntries ENTRIES = new SharedEntries(JSON, SharedCache.FORMAT);
    private static final JavaType NORMALIZATION = JSON.getTypeFactory().constructType(Normalization.class);
    private static final JavaType TITLES = JSON.getTypeFactory().constructCollectionType(List.class, Title.class);

    private static final Title NURSE = new Title("ET3B93055220D592C8", "Registered Nurse (RN) \"ICU\" – nuit", "Registered Nurses",
            false, null, "https://example.test/29-1141.00",
            new TitleMapping(List.of("Registered Nurses"), List.of(new Reference("KS1200364C9C1LK3V5Q1", "Nursing")),
                    List.of(new Reference("29-1141", "Registered Nurses"))),
            null, "5.47");
    private static final Normalization MATCH = new Normalization(0.9312345678901234, List.of("Senior"), NURSE);

    @Test
    void anEntryIsWrittenAsTheJsonTreeOfEarlierReleasesWroteIt() {
        for (Object value : new Object[] { MATCH, List.of(NURSE, NURSE), new Normalization(1e-7, List.of(), null), null }) {
            assertThat(ENTRIES.encode(value)).isEqualTo(asATreeWritesIt(value));
        }
    }

    @Test
    void whatWasWrittenReadsBackEqual() throws IOException {
        assertThat(ENTRIES.<Normalization>decode(ENTRIES.encode(MATCH), NORMALIZATION).value()).isEqualTo(MATCH);
        assertThat(ENTRIES.<List<Title>>decode(ENTRIES.encode(List.of(NURSE)), TITLES).value()).containsExactly(NURSE);
        assertThat(ENTRIES.decode(ENTRIES.encode(null), NORMALIZATION)).as("no match is an answer too")
                .isEqualTo(new SharedEntries.Entry<>(null));
    }

    @Test
    void anEntryOfAnotherFormatOrShapeReadsAsAbsent() throws IOException {
        String value = JSON.writeValueAsString(MATCH);
        for (String stored : List.of(
                "{\"f\":" + (SharedCache.FORMAT + 1) + ",\"v\":" + value + "}",
                "{\"v\":" + value + ",\"f\":" + SharedCache.FORMAT + "}",
                "{\"f\":\"" + SharedCache.FORMAT + "\",\"v\":" + value + "}",
                "{\"f\":" + SharedCache.FORMAT + "}",
                "{\"f\":" + SharedCache.FORMAT + ",\"v\":" + value + ",\"w\":1}",
                "[" + SharedCache.FORMAT + "," + value + "]")) {
            assertThat(ENTRIES.<Normalization>decode(stored, NORMALIZATION)).as(stored).isNull();
        }
    }

    @Test
    void aTornEntryIsAnError() {
        String whole = ENTRIES.encode(MATCH);
        assertThatThrownBy(() -> ENTRIES.decode(whole.substring(0, whole.length() / 2), NORMALIZATION)).isInstanceOf(IOException.class);
    }

    private static String asATreeWritesIt(Object value) {
        ObjectNode entry = JSON.createObjectNode();
        entry.put("f", SharedCache.FORMAT);
        entry.set("v", JSON.valueToTree(value));
        return entry.toString();
    }
}
