package io.titlesgateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog's learned ranking: the model shipped is the one this build trained from this data,
 * and its confidence means what it says on titles it never saw (the evaluation fold).
 */
class RankingModelTest {

    /** Questions of the evaluation fold each protocol asks: a fixed sample, the same every run. */
    private static final int SAMPLE = 600;

    private static List<CatalogTitle> catalog;

    @BeforeAll
    static void load() {
        catalog = CatalogLoader.load();
    }

    @Test
    void theShippedModelIsTheOneTheBuildTrainsFromThisData() throws Exception {
        Ranker shipped = Ranker.shipped().orElseThrow(() -> new AssertionError(
                "the build writes the model into target/classes/catalog/ranker.txt (process-classes)"));
        assertThat(shipped.trainedOn()).as("trained from this data, these features, this method")
                .isEqualTo(RankerTraining.fingerprint());
        assertThat(RankerTraining.train(catalog)).as("training is deterministic: the same model, to the last digit")
                .isEqualTo(shipped);
        StringWriter written = new StringWriter();
        shipped.write(written);
        assertThat(Ranker.read(written.toString().lines().toList())).isEqualTo(shipped);
    }

    @Test
    void theIndexRanksWithTheShippedModel() {
        assertThat(CatalogIndex.build(catalog).ranker()).isEqualTo(Ranker.shipped().orElseThrow());
        assertThat(CatalogSnapshot.read().orElseThrow().ranker()).isEqualTo(Ranker.shipped().orElseThrow());
    }

    @Test
    void confidenceIsCalibratedOnTitlesTheTrainingNeverSaw() {
        List<RankerTraining.Question> questions = RankerTraining.questions(catalog, RankerTraining.EVALUATION_FOLD);
        assertThat(questions).hasSizeGreaterThan(2 * SAMPLE);
        CatalogIndex listed = CatalogIndex.build(catalog);
        CatalogIndex lacking = CatalogIndex.build(CatalogLoader.load(name -> RankerTraining.fold(name) != RankerTraining.EVALUATION_FOLD));
        Reliability reliability = new Reliability();
        for (int i = 0; i < SAMPLE; i++) {
            reliability.add(listed, questions.get(i));
            reliability.add(lacking, questions.get(questions.size() - 1 - i));
        }
        assertThat(Math.abs(reliability.meanConfidence() - reliability.accuracy()))
                .as("mean confidence %.3f against accuracy %.3f", reliability.meanConfidence(), reliability.accuracy())
                .isLessThan(0.05);
        for (int bucket = 0; bucket < 10; bucket++) {
            if (reliability.answers[bucket] >= 60) {
                assertThat(Math.abs(reliability.bucketAccuracy(bucket) - reliability.bucketConfidence(bucket)))
                        .as("answers at confidence %.1f–%.1f: right %.3f of the time, confidence %.3f on average", bucket / 10.0,
                                (bucket + 1) / 10.0, reliability.bucketAccuracy(bucket), reliability.bucketConfidence(bucket))
                        .isLessThan(0.15);
            }
        }
        assertThat(reliability.rightAbove(0.5)).as("of the answers at confidence 0.5 or more, the share right")
                .isGreaterThan(reliability.rightBelow(0.5) + 0.3);
    }

    /** Answers by confidence bucket: how many, how many right, their summed confidence. */
    private static final class Reliability {
        final int[] answers = new int[10];
        final int[] right = new int[10];
        final double[] confidence = new double[10];

        void add(CatalogIndex index, RankerTraining.Question question) {
            List<CatalogIndex.Candidate> best = index.match(TitleCleaner.clean(question.raw()), 1);
            double sure = best.isEmpty() ? 0 : best.get(0).confidence();
            boolean isRight = !best.isEmpty() && question.socs().contains(best.get(0).title().primary().soc().id());
            int bucket = Math.min(9, (int) (sure * 10));
            answers[bucket]++;
            right[bucket] += isRight ? 1 : 0;
            confidence[bucket] += sure;
        }

        double meanConfidence() {
            return sum(confidence) / count(answers);
        }

        double accuracy() {
            return (double) count(right) / count(answers);
        }

        double bucketAccuracy(int bucket) {
            return (double) right[bucket] / answers[bucket];
        }

        double bucketConfidence(int bucket) {
            return confidence[bucket] / answers[bucket];
        }

        double rightAbove(double threshold) {
            int from = (int) (threshold * 10);
            return (double) count(right, from, 10) / Math.max(1, count(answers, from, 10));
        }

        double rightBelow(double threshold) {
            int to = (int) (threshold * 10);
            return (double) count(right, 0, to) / Math.max(1, count(answers, 0, to));
        }

        private static int count(int[] values) {
            return count(values, 0, values.length);
        }

        private static int count(int[] values, int from, int to) {
            int total = 0;
            for (int i = from; i < to; i++) {
                total += values[i];
            }
            return total;
        }

        private static double sum(double[] values) {
            double total = 0;
            for (double value : values) {
                total += value;
            }
            return total;
        }
    }
}
