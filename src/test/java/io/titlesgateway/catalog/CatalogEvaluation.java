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
 * Measures the catalog's matcher (run by {@code bench/catalog-eval.sh}; a benchmark, not a test) on
 * the evaluation fold of alternate titles, which the build's ranking never trained or calibrated on,
 * under two protocols:
 * <ul>
 * <li><b>hard</b>: the fold is held out of the index, and each title is perturbed the ways people
 * mistype titles; the matcher must still find an occupation that lists it;</li>
 * <li><b>realistic</b>: the whole catalog is indexed, as shipped, and each title of the fold is
 * asked as a posting writes it ({@link MessyTitles}, seeds no training used).</li>
 * </ul>
 * Each is measured with the learned ranking and, side by side, with the untrained one (Dice and
 * occupation support). Prints top-1 and top-5 SOC accuracy (top-5: the first five candidates listed), how well
 * 0.5 separates right from wrong, a reliability table of the confidence, the ceilings (right SOC
 * among 20 and 50 candidates), and matching throughput.
 */
public final class CatalogEvaluation {

    private static final Map<String, UnaryOperator<String>> PERTURBATIONS = new LinkedHashMap<>();

    static {
        PERTURBATIONS.put("as listed", title -> title);
        PERTURBATIONS.put("abbreviated", MessyTitles::abbreviate);
        PERTURBATIONS.put("seniority", title -> "Senior " + title + " II");
        PERTURBATIONS.put("location", title -> title + " - Dallas, TX 75201");
        PERTURBATIONS.put("remote/shift/pay", title -> title + " (Remote) - Nights - $32/hr - Req #88123");
        PERTURBATIONS.put("one-letter typo", MessyTitles::typo);
        PERTURBATIONS.put("all of them", title -> "Sr. " + MessyTitles.typo(MessyTitles.abbreviate(title)) + " - Nights, Houston TX $40/hr");
    }

    private CatalogEvaluation() {
    }

    private static boolean heldOut(String name) {
        return RankerTraining.fold(name) == RankerTraining.EVALUATION_FOLD;
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
        CatalogIndex hard = CatalogIndex.build(kept);
        CatalogIndex whole = CatalogIndex.build(full);
        Ranker learned = hard.ranker();
        System.out.printf("Catalog: %d titles; evaluation fold: %d alternate titles, never trained or calibrated on%n",
                full.size(), heldOutSocs.size());
        System.out.printf("Ranking model: %s%n%n", learned.trainedOn());

        System.out.println("## Realistic protocol: the whole catalog indexed, the fold's titles asked as postings write them");
        System.out.println();
        List<RankerTraining.Question> postings = RankerTraining.questions(full, RankerTraining.EVALUATION_FOLD);
        System.out.println("| ranking | top-1 SOC | top-5 SOC | right answers with confidence >= 0.5 | wrong answers with confidence < 0.5 |");
        System.out.println("|---|---|---|---|---|");
        AnswerTally realisticBefore = new AnswerTally();
        AnswerTally realistic = new AnswerTally();
        CatalogIndex wholeUntrained = whole.rankingWith(Ranker.UNTRAINED);
        for (RankerTraining.Question question : postings) {
            realisticBefore.add(wholeUntrained.match(TitleCleaner.clean(question.raw()), 20), question.socs());
            realistic.add(whole.match(TitleCleaner.clean(question.raw()), 20), question.socs());
        }
        System.out.printf("| untrained | %s |%n| learned | %s |%n", realisticBefore.row(), realistic.row());
        System.out.println("\nExamples of the questions: " + postings.stream().limit(6).map(RankerTraining.Question::raw)
                .map(raw -> "\"" + raw + "\"").collect(Collectors.joining(", ")));
        reliability("realistic, learned", realistic);
        selfRetrieval(whole, full);

        System.out.printf("%n## Hard protocol: the fold held out of the index, each title perturbed%n%n");
        System.out.println("| perturbation | untrained top-1 | learned top-1 | learned top-5 | right answers with confidence >= 0.5 | wrong answers with confidence < 0.5 |");
        System.out.println("|---|---|---|---|---|---|");
        AnswerTally allHard = new AnswerTally();
        AnswerTally allHardBefore = new AnswerTally();
        CatalogIndex hardUntrained = hard.rankingWith(Ranker.UNTRAINED);
        for (var perturbation : PERTURBATIONS.entrySet()) {
            AnswerTally before = new AnswerTally();
            AnswerTally after = new AnswerTally();
            for (var entry : heldOutSocs.entrySet()) {
                RawTitle raw = TitleCleaner.clean(perturbation.getValue().apply(entry.getKey()));
                List<CatalogIndex.Candidate> untrained = hardUntrained.match(raw, 20);
                List<CatalogIndex.Candidate> learnedAnswer = hard.match(raw, 20);
                before.add(untrained, entry.getValue());
                after.add(learnedAnswer, entry.getValue());
                allHard.add(learnedAnswer, entry.getValue());
                allHardBefore.add(untrained, entry.getValue());
            }
            String[] cells = after.row().split(" \\| ");
            System.out.printf("| %s | %.1f %% | %s | %s | %s | %s |%n", perturbation.getKey(), 100.0 * before.accuracy(),
                    cells[0], cells[1], cells[2], cells[3]);
        }
        System.out.printf("%nTop-1 SOC over every perturbation: untrained %.1f %%, learned %.1f %%%n",
                100.0 * allHardBefore.accuracy(), 100.0 * allHard.accuracy());
        reliability("hard, learned, every perturbation", allHard);
        ceilings(hard, kept, heldOutSocs);
        throughput(whole, new ArrayList<>(heldOutSocs.keySet()));
    }

    /** Whether every title, asked as it is written, is among the candidates retrieved for it: none can be chosen that is not. */
    private static void selfRetrieval(CatalogIndex index, List<CatalogTitle> titles) {
        List<String> missed = new ArrayList<>();
        for (CatalogTitle title : titles) {
            if (index.described(TitleCleaner.clean(title.name())).stream().noneMatch(c -> c.title().equals(title))) {
                missed.add(title.name());
            }
        }
        System.out.printf("%nTitles asked as written that are not among the candidates retrieved for them: %d of %d%s%n",
                missed.size(), titles.size(), missed.isEmpty() ? "" : " (" + String.join(", ", missed.stream().limit(8).toList()) + ")");
    }

    /** Whether confidence means what it says: of the answers at confidence c, the share that is right. */
    private static void reliability(String what, AnswerTally score) {
        System.out.printf("%nReliability of the top answer's confidence (%s):%n%n", what);
        System.out.println("| confidence | answers | right |");
        System.out.println("|---|---|---|");
        for (int bucket = 0; bucket < AnswerTally.BUCKETS; bucket++) {
            int answers = score.answers[bucket];
            System.out.printf("| %.1f–%.1f | %d | %s |%n", bucket / 10.0, (bucket + 1) / 10.0, answers,
                    answers == 0 ? "–" : String.format(Locale.ROOT, "%.1f %%", 100.0 * score.bucketAccuracy(bucket)));
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
}
