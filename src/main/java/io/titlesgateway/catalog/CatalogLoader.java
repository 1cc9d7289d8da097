package io.titlesgateway.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;

import io.titlesgateway.titles.Reference;

/**
 * Reads the open data shipped in {@code src/main/resources/catalog/} (O*NET 30.x occupations,
 * alternate titles and technology skills, O*NET 29.3 reported titles and skill ratings, BLS SOC
 * 2018 definitions), and the project's own table of current titles O*NET does not list, into the
 * catalog's titles. Ids come from the titles' content, so they are the same in every
 * build and every run.
 */
final class CatalogLoader {

    /** How many hot or in-demand technologies and how many core skills an occupation carries. */
    private static final int TECHNOLOGIES = 5;
    private static final int CORE_SKILLS = 5;
    static final Set<String> SUPERVISORY = Set.of("supervisor", "supervisors", "manager", "managers", "director",
            "directors", "chief", "head", "foreman", "forewoman", "superintendent", "president", "executive", "officer");
    private static final Pattern WORDS = Pattern.compile("[^a-z]+");
    private static final Pattern NOT_LETTER_OR_DIGIT = Pattern.compile("[^a-z0-9]+");
    /** A parenthesised part of a name, what it holds as group 1: an alias ("Help Desk Tech (Help Desk Technician)"). */
    static final Pattern PARENTHESIS = Pattern.compile("\\(([^)]*)\\)");
    /** The project's table of current titles O*NET does not list; every other file is open data, gzipped. */
    static final String CURRENT_TITLES = "current_titles.tsv";

    private CatalogLoader() {
    }

    /** Every title, in a stable order. */
    static List<CatalogTitle> load() {
        return load(alternate -> true);
    }

    /**
     * Every occupation title, and the alternate titles {@code keepAlternate} accepts (an
     * evaluation holds some out to see whether the others still find their occupation).
     */
    static List<CatalogTitle> load(Predicate<String> keepAlternate) {
        return load(keepAlternate, CURRENT_TITLES);
    }

    /** As {@link #load(Predicate)}, with the table of current titles read from {@code currentTitles} in the catalog's folder. */
    static List<CatalogTitle> load(Predicate<String> keepAlternate, String currentTitles) {
        Map<String, Reference> socs = new HashMap<>();
        Map<String, String> definitions = new HashMap<>();
        read("soc_2018_definitions.tsv.gz", cells -> {
            if (cells[0].equals("Detailed")) {
                socs.put(cells[1], new Reference(cells[1], cells[2]));
                definitions.put(cells[1], cells[3]);
            }
        });
        Map<String, List<String[]>> technologies = hotTechnologies();
        Map<String, List<Reference>> coreSkills = coreSkills();
        Map<String, Occupation> occupations = new LinkedHashMap<>();
        read("occupation_data.tsv.gz", cells -> {
            String code = cells[0];
            String socCode = code.substring(0, 7);
            Reference soc = socs.getOrDefault(socCode, new Reference(socCode, cells[1]));
            List<String[]> hot = technologies.getOrDefault(code, List.of());
            List<Reference> skills = new ArrayList<>(technologySkills(hot));
            skills.addAll(coreSkills.getOrDefault(code, List.of()));
            // what the job works with names it too: "Kubernetes Engineer", "C# Developer" hold no word of a listed title
            String description = String.join(" ", cells[2], definitions.getOrDefault(socCode, ""), technologyNames(hot)).strip();
            occupations.put(code, new Occupation(code, cells[1], soc, List.copyOf(skills), description));
        });

        Map<String, Draft> drafts = new LinkedHashMap<>();
        occupations.values().forEach(occupation -> {
            Draft own = draft(drafts, occupation.title());
            own.attest(occupation, 100, null);
            own.canonical = true;
        });
        read("alternate_titles.tsv.gz", cells -> {
            if (keepAlternate.test(cells[1])) {
                int sources = cells[3].split(",").length;
                draft(drafts, cells[1]).attest(occupations.get(cells[0]), sources, cells[2].equals("n/a") ? null : cells[2]);
            }
        });
        // what workers themselves report: mostly O*NET's alternate titles again, a few more ("Hitch Technician")
        read("sample_of_reported_titles.tsv.gz", cells -> {
            if (keepAlternate.test(cells[2])) {
                draft(drafts, cells[2]).attest(occupations.get(cells[0]), 1, null);
            }
        });
        Map<String, String> spelledByOnet = new HashMap<>();
        drafts.values().forEach(draft -> draft.writings().forEach(writing -> spelledByOnet.put(spelling(writing), draft.name)));
        // today's titles O*NET does not list ("Product Owner", "Head of People"): the project's own table, which only adds
        read(currentTitles, cells -> {
            String listed = spelledByOnet.get(spelling(cells[1]));
            if (listed != null) {
                throw new IllegalStateException(currentTitles + " lists " + cells[1] + ", which O*NET lists as " + listed);
            }
            if (keepAlternate.test(cells[1])) {
                draft(drafts, cells[1]).attest(occupations.get(cells[0]), 1, null);
            }
        });
        List<CatalogTitle> titles = new ArrayList<>(drafts.size());
        Map<String, String> ids = new HashMap<>();
        for (Draft draft : drafts.values()) {
            CatalogTitle title = draft.build();
            String clash = ids.putIfAbsent(title.id(), title.name());
            if (clash != null) {
                throw new IllegalStateException("Two catalog titles share the id " + title.id() + ": " + clash + ", " + title.name());
            }
            titles.add(title);
        }
        return List.copyOf(titles);
    }

    /** Catalog ids: "OT-" and 12 hex digits of the title's hash; never to be taken for a Lightcast "ET…" id. */
    static String idFor(String name) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key(name).getBytes(StandardCharsets.UTF_8));
            return "OT-" + HexFormat.of().withUpperCase().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    private static String key(String name) {
        return name.strip().toLowerCase(Locale.ROOT);
    }

    /** How a title is spelled, whatever its case, spaces and punctuation: "Front-End Developer" is "Frontend Developer". */
    private static String spelling(String name) {
        return NOT_LETTER_OR_DIGIT.matcher(name.toLowerCase(Locale.ROOT)).replaceAll("");
    }

    private static Draft draft(Map<String, Draft> drafts, String name) {
        return drafts.computeIfAbsent(key(name), unused -> new Draft(name.strip()));
    }

    /** A title being assembled: every occupation that lists it, weighted by how many sources do. */
    private static final class Draft {
        final String name;
        final Map<Occupation, Integer> attestations = new LinkedHashMap<>();
        final List<String> shortNames = new ArrayList<>();
        boolean canonical;

        Draft(String name) {
            this.name = name;
        }

        void attest(Occupation occupation, int weight, String shortName) {
            attestations.merge(Objects.requireNonNull(occupation, "unknown occupation for " + name), weight, Integer::sum);
            if (shortName != null && !shortNames.contains(shortName)) {
                shortNames.add(shortName);
            }
        }

        /** Every way the title is written: its name less its parentheses, what they hold, its short forms. */
        List<String> writings() {
            List<String> writings = new ArrayList<>(shortNames);
            writings.add(PARENTHESIS.matcher(name).replaceAll(" "));
            PARENTHESIS.matcher(name).results().forEach(inside -> writings.add(inside.group(1)));
            return writings;
        }

        CatalogTitle build() {
            List<Occupation> ranked = attestations.entrySet().stream()
                    .sorted(Map.Entry.<Occupation, Integer>comparingByValue().reversed())
                    .map(Map.Entry::getKey)
                    .toList();
            boolean supervisor = false;
            for (String word : WORDS.split(name.toLowerCase(Locale.ROOT))) {
                supervisor |= SUPERVISORY.contains(word);
            }
            return new CatalogTitle(idFor(name), name, List.copyOf(shortNames), ranked, supervisor, canonical);
        }
    }

    /** Per occupation, the rows of its hot technologies, as O*NET lists them. */
    private static Map<String, List<String[]>> hotTechnologies() {
        Map<String, List<String[]>> rows = new HashMap<>();
        read("technology_skills.tsv.gz", cells -> {
            if (cells[4].equals("Y")) {
                rows.computeIfAbsent(cells[0], unused -> new ArrayList<>()).add(cells);
            }
        });
        return rows;
    }

    /** Of an occupation's hot technologies, the in-demand ones first, then the others, as skills. */
    private static List<Reference> technologySkills(List<String[]> hot) {
        return hot.stream()
                .sorted(Comparator.comparing((String[] cells) -> !cells[5].equals("Y")))
                .limit(TECHNOLOGIES)
                .map(cells -> new Reference("TS-" + cells[2] + "-" + slug(cells[1]), cells[1]))
                .toList();
    }

    /** The names of an occupation's hot technologies, each once: "Kubernetes", "Microsoft .NET Framework". */
    private static String technologyNames(List<String[]> hot) {
        return hot.stream().map(cells -> cells[1]).distinct().collect(Collectors.joining(" "));
    }

    /** Per occupation, its most important core skills (O*NET importance ratings), suppressed ratings left out. */
    private static Map<String, List<Reference>> coreSkills() {
        Map<String, List<String[]>> rows = new HashMap<>();
        read("skills.tsv.gz", cells -> {
            if (cells[4].equals("IM") && !cells[11].equals("Y")) {
                rows.computeIfAbsent(cells[0], unused -> new ArrayList<>()).add(cells);
            }
        });
        Map<String, List<Reference>> byOccupation = new HashMap<>();
        rows.forEach((code, ratings) -> byOccupation.put(code, ratings.stream()
                .sorted(Comparator.comparingDouble((String[] cells) -> Double.parseDouble(cells[6])).reversed())
                .limit(CORE_SKILLS)
                .map(cells -> new Reference("SK-" + cells[2], cells[3]))
                .toList()));
        return byOccupation;
    }

    private static String slug(String text) {
        String slug = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        return slug.length() <= 40 ? slug : slug.substring(0, 40);
    }

    /** Each row of a catalog data file after its header, split at tabs; a ".gz" file is read through gzip. */
    static void read(String file, Consumer<String[]> row) {
        InputStream resource = CatalogLoader.class.getResourceAsStream("/catalog/" + file);
        if (resource == null) {
            throw new IllegalStateException("The catalog data file " + file + " is missing from the classpath");
        }
        try (var reader = new BufferedReader(new InputStreamReader(file.endsWith(".gz") ? new GZIPInputStream(resource, 1 << 16) : resource,
                StandardCharsets.UTF_8))) {
            reader.readLine(); // header
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (!line.isEmpty()) {
                    row.accept(line.split("\t", -1));
                }
            }
        } catch (IOException unreadable) {
            throw new UncheckedIOException("Could not read the catalog data file " + file, unreadable);
        }
    }
}
