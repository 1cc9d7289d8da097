package io.titlesgateway.catalog;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The matcher's answers to questions whose occupations are known, tallied: top-1 and top-5 (on
 * the first five listed), and per confidence bucket of the top answer, how many answers, how many
 * right, and their summed confidence. For the evaluation's tables and the calibration test.
 */
final class AnswerTally {

    static final int BUCKETS = 10;

    int asked;
    int top1;
    int top5;
    final int[] answers = new int[BUCKETS];
    final int[] right = new int[BUCKETS];
    final double[] confidence = new double[BUCKETS];

    /** One question's candidates, best first, and the SOC codes that are right for it. */
    void add(List<CatalogIndex.Candidate> candidates, Set<String> socs) {
        boolean first = !candidates.isEmpty() && socs.contains(candidates.get(0).title().primary().soc().id());
        // top-5 as a caller sees it: the first five candidates listed (they spread over occupations)
        boolean any = candidates.stream().limit(5).map(c -> c.title().primary().soc().id()).anyMatch(socs::contains);
        double sure = candidates.isEmpty() ? 0 : candidates.get(0).confidence();
        int bucket = Math.min(BUCKETS - 1, (int) (sure * BUCKETS));
        asked++;
        top1 += first ? 1 : 0;
        top5 += any ? 1 : 0;
        answers[bucket]++;
        right[bucket] += first ? 1 : 0;
        confidence[bucket] += sure;
    }

    double accuracy() {
        return (double) top1 / asked;
    }

    double meanConfidence() {
        double total = 0;
        for (double sum : confidence) {
            total += sum;
        }
        return total / asked;
    }

    double bucketAccuracy(int bucket) {
        return (double) right[bucket] / answers[bucket];
    }

    double bucketConfidence(int bucket) {
        return confidence[bucket] / answers[bucket];
    }

    /** Of the answers at {@code threshold} or more, the share right. */
    double rightAbove(double threshold) {
        int from = (int) (threshold * BUCKETS);
        return (double) count(right, from, BUCKETS) / Math.max(1, count(answers, from, BUCKETS));
    }

    /** Of the answers below {@code threshold}, the share right. */
    double rightBelow(double threshold) {
        int to = (int) (threshold * BUCKETS);
        return (double) count(right, 0, to) / Math.max(1, count(answers, 0, to));
    }

    /** Top-1, top-5, the share of right answers at 0.5 or more, the share of wrong ones below: a table row's cells. */
    String row() {
        int rightAnswers = count(right, 0, BUCKETS);
        int rightConfident = count(right, BUCKETS / 2, BUCKETS);
        int wrongAnswers = asked - rightAnswers;
        int wrongUnsure = count(answers, 0, BUCKETS / 2) - count(right, 0, BUCKETS / 2);
        return String.format(Locale.ROOT, "%.1f %% | %.1f %% | %.1f %% | %.1f %%", 100.0 * top1 / asked, 100.0 * top5 / asked,
                100.0 * rightConfident / Math.max(1, rightAnswers), 100.0 * wrongUnsure / Math.max(1, wrongAnswers));
    }

    private static int count(int[] values, int from, int to) {
        int total = 0;
        for (int i = from; i < to; i++) {
            total += values[i];
        }
        return total;
    }
}
