package io.titlesgateway.emulator;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The emulator's small stand-in for the Lightcast taxonomy: a few dozen titles with Lightcast-shaped
 * ids, mappings and a token-overlap matcher. Enough to tell apart a right answer from a wrong one.
 */
final class EmulatorTaxonomy {

    static final List<String> VERSIONS = List.of("5.47", "5.46", "5.45");
    static final String LATEST = VERSIONS.get(0);
    static final List<String> BASE_FIELDS = List.of("id", "name", "pluralName", "isSupervisor", "levelBand", "infoUrl");
    private static final Set<String> SENIORITY = Set.of("senior", "sr", "junior", "jr", "lead", "principal");

    record Skill(String id, String name) {
    }

    record EmulatedTitle(String id, String name, String pluralName, boolean supervisor, String levelBand,
            String socId, String socName, List<Skill> skills) {

        Map<String, Object> view(List<String> fields) {
            Map<String, Object> view = new LinkedHashMap<>();
            for (String field : fields) {
                view.put(field, switch (field) {
                    case "id" -> id;
                    case "name" -> name;
                    case "pluralName" -> pluralName;
                    case "isSupervisor" -> supervisor;
                    case "levelBand" -> levelBand;
                    case "infoUrl" -> "https://lightcast.io/open-skills/titles/" + id;
                    case "mapping" -> mapping();
                    default -> throw new IllegalArgumentException(field);
                });
            }
            return view;
        }

        Map<String, Object> detail(boolean withMapping) {
            Map<String, Object> view = view(List.of("id", "name", "pluralName"));
            view.put("removedVersion", null);
            view.put("addedVersion", VERSIONS.get(VERSIONS.size() - 1));
            view.putAll(view(List.of("isSupervisor", "levelBand", "infoUrl")));
            if (withMapping) {
                view.put("mapping", mapping());
            }
            return view;
        }

        private Map<String, Object> mapping() {
            Map<String, Object> mapping = new LinkedHashMap<>();
            mapping.put("names", List.of(socName));
            mapping.put("skills", skills.stream().map(skill -> Map.of("id", skill.id(), "name", skill.name())).toList());
            mapping.put("socs", List.of(Map.of("id", socId, "name", socName)));
            return mapping;
        }
    }

    record Match(EmulatedTitle title, double confidence, List<String> jobLevels) {
    }

    private final List<EmulatedTitle> titles;
    private final Map<String, EmulatedTitle> byId;

    EmulatorTaxonomy() {
        this.titles = load();
        this.byId = titles.stream().collect(Collectors.toMap(EmulatedTitle::id, Function.identity()));
    }

    List<EmulatedTitle> all() {
        return titles;
    }

    EmulatedTitle byId(String id) {
        return byId.get(id);
    }

    /** Without {@code q}: every title by name. With it: titles whose words start with each word of q. */
    List<EmulatedTitle> search(String q) {
        if (q == null || q.isBlank()) {
            return titles.stream().sorted(Comparator.comparing(EmulatedTitle::name)).toList();
        }
        List<String> wanted = words(q);
        return titles.stream()
                .filter(title -> wanted.stream().allMatch(word -> words(title.name()).stream().anyMatch(w -> w.startsWith(word))))
                .sorted(Comparator.comparing((EmulatedTitle title) -> title.name().length()).thenComparing(EmulatedTitle::name))
                .toList();
    }

    /** Candidates ranked by word overlap (Dice); seniority words become job levels instead of matching. */
    List<Match> match(String term) {
        List<String> words = words(term);
        List<String> levels = words.stream().filter(SENIORITY::contains).map(EmulatorTaxonomy::level).distinct().toList();
        Set<String> core = new HashSet<>(words);
        core.removeAll(SENIORITY);
        List<Match> matches = new ArrayList<>();
        for (EmulatedTitle title : titles) {
            Set<String> candidate = new HashSet<>(words(title.name()));
            Set<String> common = new HashSet<>(candidate);
            common.retainAll(core);
            double confidence = core.isEmpty() ? 0 : 2.0 * common.size() / (candidate.size() + core.size());
            if (confidence > 0) {
                matches.add(new Match(title, confidence, levels));
            }
        }
        matches.sort(Comparator.comparingDouble(Match::confidence).reversed().thenComparing(m -> m.title().name()));
        return matches;
    }

    private static String level(String word) {
        return switch (word) {
            case "sr", "senior" -> "Senior";
            case "jr", "junior" -> "Junior";
            case "lead" -> "Lead";
            default -> "Principal";
        };
    }

    static List<String> words(String text) {
        return Arrays.stream(text.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+"))
                .filter(word -> !word.isEmpty())
                .toList();
    }

    /** Lightcast-shaped id: ET + 16 upper-case hex digits, derived from the name so it never changes. */
    static String idFor(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
            return "ET" + HexFormat.of().withUpperCase().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static List<EmulatedTitle> load() {
        var stream = Objects.requireNonNull(EmulatorTaxonomy.class.getResourceAsStream("/emulator/titles.tsv"),
                "emulator/titles.tsv is missing from the test classpath");
        try (var reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
            return reader.lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split("\t"))
                    .map(cells -> new EmulatedTitle(idFor(cells[0]), cells[0], cells[1], Boolean.parseBoolean(cells[2]),
                            cells[3], cells[4], cells[5], Arrays.stream(cells[6].split(";"))
                                    .map(skill -> skill.split(":", 2))
                                    .map(parts -> new Skill(parts[0], parts[1]))
                                    .toList()))
                    .toList();
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        }
    }
}
