import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.titlesgateway.store.SharedCache;
import io.titlesgateway.store.SharedEntries;
import io.titlesgateway.titles.Normalization;
import io.titlesgateway.titles.Reference;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitleMapping;

/**
 * Writing and reading back a shared-cache entry of a normalize answer: the gateway's way
 * (SharedEntries, one pass) against the JSON-tree way it replaced, alternating rounds in one JVM.
 */
public class EntryRoutes {

    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        ObjectMapper json = new ObjectMapper();
        SharedEntries entries = new SharedEntries(json, SharedCache.FORMAT);
        JavaType type = json.getTypeFactory().constructType(Normalization.class);
        List<Normalization> answers = answers(1_000);

        for (int warm = 0; warm < 3; warm++) {
            viaTree(json, type, answers);
            oneAtATime(entries, type, answers);
        }
        System.out.printf("%-6s %14s %14s %7s%n", "round", "tree (µs/entry)", "one pass", "ratio");
        List<Double> ratios = new ArrayList<>();
        for (int round = 1; round <= rounds; round++) {
            double tree = viaTree(json, type, answers);
            double direct = oneAtATime(entries, type, answers);
            ratios.add(tree / direct);
            System.out.printf("%-6d %14.2f %14.2f %6.2fx%n", round, tree, direct, tree / direct);
        }
        ratios.sort(null);
        System.out.printf("median: the one-pass way is %.2fx as fast (write + read of one entry, %d bytes)%n",
                ratios.get(ratios.size() / 2), entries.encode(answers.get(0)).length());
    }

    /** Microseconds per entry written and read back the way the gateway did before: through a JsonNode tree. */
    private static double viaTree(ObjectMapper json, JavaType type, List<Normalization> answers) throws Exception {
        long began = System.nanoTime();
        int sum = 0;
        for (int pass = 0; pass < 100; pass++) {
            for (Normalization answer : answers) {
                ObjectNode entry = json.createObjectNode();
                entry.put("f", SharedCache.FORMAT);
                entry.set("v", json.valueToTree(answer));
                JsonNode read = json.readTree(entry.toString());
                Normalization back = json.convertValue(read.get("v"), type);
                sum += back.title().name().length();
            }
        }
        return check(sum, began, answers.size());
    }

    private static double oneAtATime(SharedEntries entries, JavaType type, List<Normalization> answers) throws Exception {
        long began = System.nanoTime();
        int sum = 0;
        for (int pass = 0; pass < 100; pass++) {
            for (Normalization answer : answers) {
                SharedEntries.Entry<Normalization> back = entries.decode(entries.encode(answer), type);
                sum += back.value().title().name().length();
            }
        }
        return check(sum, began, answers.size());
    }

    private static double check(int sum, long began, int size) {
        if (sum <= 0) {
            throw new IllegalStateException("nothing read back");
        }
        return (System.nanoTime() - began) / 1e3 / (100.0 * size);
    }

    /** Answers shaped as Lightcast's normalize answers are: a title, its occupation, a dozen skills. */
    private static List<Normalization> answers(int count) {
        List<Normalization> answers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            List<Reference> skills = new ArrayList<>();
            for (int s = 0; s < 12; s++) {
                skills.add(new Reference("KS12" + Integer.toHexString(i * 31 + s).toUpperCase() + "W70LY1GXZ", "Skill number " + s + " of title " + i));
            }
            Title title = new Title("ET" + Long.toHexString(0x3B93055220D592C8L + i).toUpperCase(), "Registered Nurse " + i,
                    "Registered Nurses " + i, i % 7 == 0, null, null,
                    new TitleMapping(List.of("Registered Nurses"), skills, List.of(new Reference("29-1141", "Registered Nurses"))),
                    null, null);
            answers.add(new Normalization(0.5 + (i % 50) / 100.0, i % 3 == 0 ? List.of("Senior") : List.of(), title));
        }
        return answers;
    }
}
