package io.titlesgateway.catalog;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The catalog's learned ranking: a linear score over cheap features of each candidate
 * ({@link Feature}), trained at build time on O*NET's own labels ({@link RankerTraining}), and the
 * calibration that turns the share of the ranking's probability its occupation gets, its score and
 * its Dice into a confidence that is right about as often as it says.
 *
 * @param mean per feature, its mean over the training candidates (features are standardized before weighting)
 * @param scale per feature, its standard deviation there (1 where it did not vary)
 * @param weights per feature, its weight
 * @param calibration the confidence's logistic mapping: weights of the log odds of the occupation's share, of the score, of the Dice, and a bias
 * @param trainedOn what the model was trained from: a fingerprint of the data and of the features
 */
record Ranker(double[] mean, double[] scale, double[] weights, double[] calibration, String trainedOn) {

    /** The features, in the order of every array here. */
    enum Feature {
        /** The weighted Dice coefficient of the candidate's words and the raw title's. */
        DICE,
        /** The share of all candidates' Dice held by candidates of the same occupation. */
        OCCUPATION_SUPPORT,
        /** Lucene's score, against the best candidate's. */
        RETRIEVAL_SCORE,
        /** The share of the raw title's weight the candidate covers. */
        RAW_COVERAGE,
        /** The share of the candidate's weight the raw title covers. */
        TITLE_COVERAGE,
        /** The last words (the head nouns) match. */
        HEAD_MATCH,
        /** The first words match. */
        FIRST_MATCH,
        /** The candidate is an occupation's own title. */
        OCCUPATION_TITLE,
        /** The same words, nothing more or less. */
        EXACT,
        /** How many of the candidate's words are unmatched, up to 4, over 4. */
        EXTRA_WORDS,
        /** How many catalog titles the candidate's occupation has (log-scaled): how common it is in the data. */
        OCCUPATION_SIZE,
        /** The candidate names more than one occupation. */
        AMBIGUOUS,
        /** One of the raw title and the candidate says it supervises and the other does not. */
        SUPERVISOR_MISMATCH,
        /** 1 / (1 + the candidate's rank by Dice). */
        DICE_RANK,
        /** How far the candidate's Dice is below the best. */
        DICE_GAP,
        /** 1 / (1 + the candidate's rank by Lucene's score). */
        RETRIEVAL_RANK,
        /** The candidate's Dice against the best of its occupation's candidates: 1 for the best. */
        BEST_OF_OCCUPATION,
        /** The share of the candidates that are of its occupation. */
        OCCUPATION_COUNT,
        /** Dice squared: a near-complete match counts more than linearly. */
        DICE_SQUARED,
        /** Dice times occupation support: a good match that others of its occupation back. */
        BACKED_DICE,
        /**
         * How much the raw title's words belong to the candidate's occupation: per word, the share of
         * the catalog's titles holding it that are of that occupation, averaged by the words' weights.
         */
        WORD_AFFINITY,
        /** The candidate holds a word the raw title set aside as a shift or a place ("Night Auditor" for "night auditor"). */
        ASIDE_MATCH,
        /** Of the raw title's words' weight, the share that the description of the candidate's occupation holds. */
        DESCRIBED,
        /**
         * The candidate is the raw title's words in their order: "Head of Loss Prevention" is that title,
         * where "Loss Prevention Director" has the same words.
         */
        VERBATIM
    }

    static final int FEATURES = Feature.values().length;
    static final String RESOURCE = "/catalog/ranker.txt";

    /** Before any training: Dice, lifted by occupation support, as the matcher ranked before it learned. */
    static final Ranker UNTRAINED = untrained();

    /** The score of a candidate's features: higher ranks first. */
    double score(double[] features) {
        double score = 0;
        for (int i = 0; i < FEATURES; i++) {
            score += weights[i] * (features[i] - mean[i]) / scale[i];
        }
        return score;
    }

    /**
     * How sure the ranking is of a candidate: from the share of the probability its occupation got
     * (0–1), its own score, and its Dice (how completely it matches the words), 0–1.
     */
    double confidence(double share, double score, double dice) {
        double[] inputs = calibrationInputs(share, score, dice);
        double z = calibration[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            z += calibration[i] * inputs[i];
        }
        return 1 / (1 + Math.exp(-z));
    }

    /** The calibration's inputs for a candidate: the log odds of its occupation's share, its score, its Dice. */
    static double[] calibrationInputs(double share, double score, double dice) {
        return new double[] { Math.log(Math.max(share, 1e-9) / Math.max(1 - share, 1e-9)), score, dice };
    }

    private static Ranker untrained() {
        double[] mean = new double[FEATURES];
        double[] scale = new double[FEATURES];
        Arrays.fill(scale, 1);
        double[] weights = new double[FEATURES];
        weights[Feature.DICE.ordinal()] = 10;
        weights[Feature.OCCUPATION_SUPPORT.ordinal()] = 5;
        // confidence 0.5 at Dice 0.5, rising steeply either side
        return new Ranker(mean, scale, weights, new double[] { 0, 0, 8, -4 }, "untrained");
    }

    /** The model this build trained, shipped beside the catalog snapshot; empty in a bare IDE build. Read once. */
    static Optional<Ranker> shipped() {
        return Shipped.MODEL;
    }

    /** Holds the shipped model, read the first time an index asks for it (training and the evaluation build several). */
    private static final class Shipped {
        static final Optional<Ranker> MODEL = readShipped();
    }

    private static Optional<Ranker> readShipped() {
        InputStream in = Ranker.class.getResourceAsStream(RESOURCE);
        if (in == null) {
            return Optional.empty();
        }
        try (var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            return Optional.of(read(reader.lines().toList()));
        } catch (IOException unreadable) {
            throw new UncheckedIOException("The shipped ranking model could not be read", unreadable);
        }
    }

    /**
     * Reads the text form {@link #write} writes: a line {@code trained-on <fingerprint>}, a line
     * {@code calibration <share log odds> <score> <dice> <bias>}, then a line per feature: name, mean, scale, weight.
     */
    static Ranker read(List<String> lines) {
        double[] mean = new double[FEATURES];
        double[] scale = new double[FEATURES];
        double[] weights = new double[FEATURES];
        double[] calibration = null;
        String trainedOn = null;
        int features = 0;
        for (String line : lines) {
            String[] cells = line.strip().split("\\s+");
            if (line.isBlank() || cells[0].startsWith("#")) {
                continue;
            }
            switch (cells[0]) {
                case "trained-on" -> trainedOn = cells[1];
                case "calibration" -> calibration = new double[] { Double.parseDouble(cells[1]), Double.parseDouble(cells[2]),
                        Double.parseDouble(cells[3]), Double.parseDouble(cells[4]) };
                default -> {
                    int i = Feature.valueOf(cells[0]).ordinal();
                    mean[i] = Double.parseDouble(cells[1]);
                    scale[i] = Double.parseDouble(cells[2]);
                    weights[i] = Double.parseDouble(cells[3]);
                    features++;
                }
            }
        }
        if (trainedOn == null || calibration == null || features != FEATURES) {
            throw new IllegalStateException("The ranking model is incomplete: " + features + " of " + FEATURES + " features");
        }
        return new Ranker(mean, scale, weights, calibration, trainedOn);
    }

    void write(Writer out) throws IOException {
        out.write("# the catalog's learned ranking, written by the build (RankerTraining); do not edit\n");
        out.write("trained-on " + trainedOn + "\n");
        out.write(String.format(Locale.ROOT, "calibration %.17g %.17g %.17g %.17g%n", calibration[0], calibration[1], calibration[2],
                calibration[3]));
        for (Feature feature : Feature.values()) {
            int i = feature.ordinal();
            out.write(String.format(Locale.ROOT, "%s %.17g %.17g %.17g%n", feature.name(), mean[i], scale[i], weights[i]));
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Ranker that && Arrays.equals(mean, that.mean) && Arrays.equals(scale, that.scale)
                && Arrays.equals(weights, that.weights) && Arrays.equals(calibration, that.calibration)
                && trainedOn.equals(that.trainedOn);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(weights) * 31 + trainedOn.hashCode();
    }

    @Override
    public String toString() {
        return "Ranker[" + trainedOn + ", weights " + Arrays.toString(weights) + ", calibration " + Arrays.toString(calibration) + "]";
    }
}
