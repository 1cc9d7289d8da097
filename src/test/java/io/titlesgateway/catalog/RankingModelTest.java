package io.titlesgateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The catalog's learned ranking: the model shipped is the one this build trained from this data,
 * and its confidence means what it says on titles it never saw (the evaluation fold).
 */
class RankingModelTest {

    /** Questions of the evaluation fold each protocol asks: a fixed sample, the same every run. */
    private static final int SAMPLE = 600;
    /** Questions of each training and calibration fold the sampled training asks (the build asks all, about 4,700). */
    private static final int TRAINING_SAMPLE = 200;

    private static List<CatalogTitle> catalog;
    /** The whole catalog's index, and one that lacks the evaluation fold's titles: built once, asked by several tests. */
    private static CatalogIndex listed;
    private static CatalogIndex lacking;

    @BeforeAll
    static void load() {
        catalog = CatalogLoader.load();
        listed = CatalogIndex.build(catalog);
        lacking = CatalogIndex.build(CatalogLoader.load(name -> RankerTraining.fold(name) != RankerTraining.EVALUATION_FOLD));
    }

    @Test
    void theShippedModelIsTrainedFromThisDataThisCodeAndThisMethod() throws Exception {
        Ranker shipped = Ranker.shipped().orElseThrow(() -> new AssertionError(
                "the build writes the model into target/classes/catalog/ranker.txt (process-classes)"));
        assertThat(shipped.trainedOn()).as("trained from this data, these features, this method")
                .isEqualTo(RankerTraining.fingerprint());
        StringWriter written = new StringWriter();
        shipped.write(written);
        assertThat(Ranker.read(written.toString().lines().toList())).isEqualTo(shipped);
    }

    /**
     * The build trains on every question of its folds, once; here the same training runs on a
     * sample of each, which is enough to see that it is deterministic and that it learns.
     */
    @Test
    void trainingOnASampleIsDeterministicAndRanksBetterThanNoTraining() {
        // the second training runs beside the first: the same model from both also says they share no state
        CompletableFuture<Ranker> again = CompletableFuture.supplyAsync(() -> RankerTraining.train(catalog, TRAINING_SAMPLE));
        Ranker sampled = RankerTraining.train(catalog, TRAINING_SAMPLE);
        assertThat(again.join()).as("the same model, to the last digit").isEqualTo(sampled);
        assertThat(sampled).as("a sample trains a model of its own").isNotEqualTo(Ranker.shipped().orElseThrow());

        List<RankerTraining.Question> unseen = RankerTraining.sample(
                RankerTraining.questions(catalog, RankerTraining.EVALUATION_FOLD), SAMPLE);
        int trainedRight = rightAtTop(lacking.rankingWith(sampled), unseen);
        int untrainedRight = rightAtTop(lacking.rankingWith(Ranker.UNTRAINED), unseen);
        assertThat(trainedRight).as("titles the catalog lacks whose occupation comes first: trained %d, untrained %d of %d",
                trainedRight, untrainedRight, unseen.size()).isGreaterThan(untrainedRight);
    }

    private static int rightAtTop(CatalogIndex index, List<RankerTraining.Question> questions) {
        AnswerTally tally = new AnswerTally();
        questions.forEach(question -> tally.add(index.match(TitleCleaner.clean(question.raw()), 5), question.socs()));
        return tally.top1;
    }

    @Test
    void theIndexRanksWithTheShippedModel() {
        assertThat(listed.ranker()).isEqualTo(Ranker.shipped().orElseThrow());
        assertThat(CatalogSnapshot.read().orElseThrow().ranker()).isEqualTo(Ranker.shipped().orElseThrow());
    }

    @Test
    void confidenceIsCalibratedOnTitlesTheTrainingNeverSaw() {
        List<RankerTraining.Question> questions = RankerTraining.questions(catalog, RankerTraining.EVALUATION_FOLD);
        assertThat(questions).hasSizeGreaterThan(2 * SAMPLE);
        AnswerTally reliability = new AnswerTally();
        // spread over the whole fold, which comes in occupation order, every other one asked of the index that lacks it
        List<RankerTraining.Question> sample = RankerTraining.sample(questions, 2 * SAMPLE);
        for (int i = 0; i < sample.size(); i++) {
            RankerTraining.Question question = sample.get(i);
            reliability.add((i % 2 == 0 ? listed : lacking).match(TitleCleaner.clean(question.raw()), 1), question.socs());
        }
        assertThat(Math.abs(reliability.meanConfidence() - reliability.accuracy()))
                .as("mean confidence %.3f against accuracy %.3f", reliability.meanConfidence(), reliability.accuracy())
                .isLessThan(0.05);
        for (int bucket = 0; bucket < AnswerTally.BUCKETS; bucket++) {
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
}
