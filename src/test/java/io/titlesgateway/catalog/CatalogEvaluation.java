package io.titlesgateway.catalog;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;

/**
 * Measures the catalog's matcher (run by {@code bench/catalog-eval.sh}; a benchmark, not a test):
 * one alternate title in ten is held out of the index, each is perturbed the ways people mistype
 * titles, and the matcher must still find an occupation that lists it. Prints top-1 and top-5 SOC
 * accuracy per perturbation (top-5 on distinct occupations), how well 0.5 separates right from wrong,
 * a reliability table of the confidence, the ceilings (right SOC among 20 and 50 candidates), and
 * matching throughput.
 */
public final class CatalogEvaluation {

    private static final Map<String, UnaryOperator<String>> PERTURBATIONS = new LinkedHashMap<>();

    static {
        PERTURBATIONS.put("as listed", title -> title);
        PERTURBATIONS.put("abbreviated", CatalogEvaluation::abbreviate);
        PERTURBATIONS.put("seniority", title -> "Senior " + title + " II");
        PERTURBATIONS.put("location", title -> title + " - Dallas, TX 75201");
        PERTURBATIONS.put("remote/shift/pay", title -> title + " (Remote) - Nights - $32/hr - Req #88123");
        PERTURBATIONS.put("one-letter typo", CatalogEvaluation::typo);
        PERTURBATIONS.put("all of them", title -> "Sr. " + typo(abbreviate(title)) + " - Nights, Houston TX $40/hr");
    }

    private CatalogEvaluation() {
    }

    private static boolean heldOut(String name) {
        return Math.floorMod(name.toLowerCase(Locale.ROOT).hashCode(), 10) == 3;
    }

    public static void main(String[] args) {
        List<CatalogTitle> full = CatalogLoader.load();
        Map<String, Set<String>> heldOutSocs = new LinkedHashMap<>();
        for (CatalogTitle title : full) {
            if (!title.canonical() && heldOut(title.name())) {
                heldOutSocs.put(title.name(), title.occupations().stream().map(o -> o.soc().id())
                        .collect(Collectors.toCollection(TreeSet::new)));
            }
        }
        List<CatalogTitle> kept = CatalogLoader.load(name -> !heldOut(name));
        CatalogIndex index = CatalogIndex.build(kept);
        System.out.printf("Catalog: %d titles; %d alternate titles held out of the index%n%n", full.size(), heldOutSocs.size());
        System.out.println("| perturbation | top-1 SOC | top-5 SOC | right answers with confidence >= 0.5 | wrong answers with confidence < 0.5 |");
        System.out.println("|---|---|---|---|---|");
        int perturbedTotal = 0;
        int perturbedTop1 = 0;
        int[] bucketAnswers = new int[10];
        int[] bucketRight = new int[10];
        for (var perturbation : PERTURBATIONS.entrySet()) {
            int top1 = 0, top5 = 0, rightConfident = 0, right = 0, wrongUnsure = 0, wrong = 0;
            for (var entry : heldOutSocs.entrySet()) {
                List<CatalogIndex.Candidate> candidates = index.match(TitleCleaner.clean(perturbation.getValue().apply(entry.getKey())), 20);
                boolean first = !candidates.isEmpty() && entry.getValue().contains(candidates.get(0).title().primary().soc().id());
                // top-5 on distinct occupations: five titles of one SOC are one guess, not five
                boolean any = candidates.stream().map(c -> c.title().primary().soc().id()).distinct().limit(5)
                        .anyMatch(entry.getValue()::contains);
                double confidence = candidates.isEmpty() ? 0 : candidates.get(0).confidence();
                int bucket = Math.min(9, (int) (confidence * 10));
                bucketAnswers[bucket]++;
                bucketRight[bucket] += first ? 1 : 0;
                if (first) {
                    top1++;
                    right++;
                    rightConfident += confidence >= 0.5 ? 1 : 0;
                } else {
                    wrong++;
                    wrongUnsure += confidence < 0.5 ? 1 : 0;
                }
                top5 += any ? 1 : 0;
            }
            int n = heldOutSocs.size();
            if (!perturbation.getKey().equals("as listed")) {
                perturbedTotal += n;
                perturbedTop1 += top1;
            }
            System.out.printf("| %s | %.1f %% | %.1f %% | %.1f %% | %.1f %% |%n", perturbation.getKey(), 100.0 * top1 / n,
                    100.0 * top5 / n, 100.0 * rightConfident / Math.max(1, right), 100.0 * wrongUnsure / Math.max(1, wrong));
        }
        System.out.printf("%nTop-1 SOC over all perturbed held-out titles: %.1f %%%n", 100.0 * perturbedTop1 / perturbedTotal);
        reliability(bucketAnswers, bucketRight);
        ceilings(index, kept, heldOutSocs);
        throughput(index, new ArrayList<>(heldOutSocs.keySet()));
    }

    /** Whether confidence means what it says: of the answers at confidence c, the share that is right (every perturbation). */
    private static void reliability(int[] answers, int[] right) {
        System.out.printf("%nReliability of the top answer's confidence (all perturbations together):%n%n");
        System.out.println("| confidence | answers | right |");
        System.out.println("|---|---|---|");
        for (int bucket = 0; bucket < answers.length; bucket++) {
            System.out.printf("| %.1f–%.1f | %d | %s |%n", bucket / 10.0, (bucket + 1) / 10.0, answers[bucket],
                    answers[bucket] == 0 ? "–" : String.format(Locale.ROOT, "%.1f %%", 100.0 * right[bucket] / answers[bucket]));
        }
    }

    /**
     * How far any matcher working from titles' words could go on this held-out set: whether the
     * right occupation is among the candidates retrieved at all (what a perfect re-ranking would
     * reach), and whether the indexed titles of the right occupation even hold the held-out title's words.
     */
    private static void ceilings(CatalogIndex index, List<CatalogTitle> kept, Map<String, Set<String>> heldOutSocs) {
        Map<String, Set<String>> wordsBySoc = new HashMap<>();
        for (CatalogTitle title : kept) {
            List<String> words = index.words(TitleCleaner.cleanName(title.name()).text());
            title.occupations().forEach(o -> wordsBySoc.computeIfAbsent(o.soc().id(), soc -> new HashSet<>()).addAll(words));
        }
        int retrieved = 0, retrieved20 = 0, noWordShared = 0, everyWordHeld = 0;
        for (var entry : heldOutSocs.entrySet()) {
            List<String> words = index.words(TitleCleaner.clean(entry.getKey()).text());
            List<CatalogIndex.Candidate> candidates = index.match(TitleCleaner.clean(entry.getKey()), 50);
            retrieved += candidates.stream().anyMatch(c -> entry.getValue().contains(c.title().primary().soc().id())) ? 1 : 0;
            retrieved20 += candidates.stream().limit(20).anyMatch(c -> entry.getValue().contains(c.title().primary().soc().id())) ? 1 : 0;
            List<Set<String>> socWords = entry.getValue().stream().map(soc -> wordsBySoc.getOrDefault(soc, Set.of())).toList();
            noWordShared += socWords.stream().noneMatch(held -> words.stream().anyMatch(held::contains)) ? 1 : 0;
            everyWordHeld += socWords.stream().anyMatch(held -> held.containsAll(words)) ? 1 : 0;
        }
        int n = heldOutSocs.size();
        System.out.printf("%nCeilings (held-out titles as listed):%n");
        System.out.printf("- the right SOC is among the 20 candidates retrieved: %.1f %%%n", 100.0 * retrieved20 / n);
        System.out.printf("- the right SOC is among the 50 candidates retrieved: %.1f %% (a perfect re-ranking's top-1)%n", 100.0 * retrieved / n);
        System.out.printf("- the indexed titles of the right SOC hold every word of the held-out title: %.1f %%%n", 100.0 * everyWordHeld / n);
        System.out.printf("- they share no word with it at all: %.1f %%%n%n", 100.0 * noWordShared / n);
    }

    /** Normalizations per second in process, one thread, after a warm-up, over perturbed held-out titles. */
    private static void throughput(CatalogIndex index, List<String> names) {
        List<String> terms = names.stream().map(name -> "Sr. " + name + " - Remote").toList();
        for (String term : terms) {
            index.match(TitleCleaner.clean(term), 1);
        }
        long start = System.nanoTime();
        int done = 0;
        while (System.nanoTime() - start < 5_000_000_000L) {
            index.match(TitleCleaner.clean(terms.get(done % terms.size())), 1);
            done++;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("In-process throughput, one thread: %.0f normalizations/s (%d in %.1f s)%n", done / seconds, done, seconds);
    }

    /** The abbreviations people use, the other way round from the cleaner's expansions. */
    static String abbreviate(String title) {
        return title.replaceAll("(?i)\\bSenior\\b", "Sr.").replaceAll("(?i)\\bManager\\b", "Mgr")
                .replaceAll("(?i)\\bAssistant\\b", "Asst").replaceAll("(?i)\\bEngineer\\b", "Eng")
                .replaceAll("(?i)\\bAdministrator\\b", "Admin").replaceAll("(?i)\\bDeveloper\\b", "Dev")
                .replaceAll("(?i)\\bRegistered Nurse\\b", "RN").replaceAll("(?i)\\bDirector\\b", "Dir")
                .replaceAll("(?i)\\bCoordinator\\b", "Coord").replaceAll("(?i)\\bTechnician\\b", "Tech")
                .replaceAll("(?i)\\bRepresentative\\b", "Rep").replaceAll("(?i)\\bSupervisor\\b", "Supv")
                .replaceAll("(?i)\\bSpecialist\\b", "Spec").replaceAll("(?i)\\bVice President\\b", "VP");
    }

    /** Swaps two neighbouring letters in the middle of the longest word. */
    static String typo(String title) {
        String[] words = title.split(" ");
        int longest = 0;
        for (int i = 1; i < words.length; i++) {
            longest = words[i].length() > words[longest].length() ? i : longest;
        }
        String word = words[longest];
        if (word.length() >= 5) {
            int at = word.length() / 2;
            words[longest] = word.substring(0, at - 1) + word.charAt(at) + word.charAt(at - 1) + word.substring(at + 1);
        }
        return String.join(" ", words);
    }
}
