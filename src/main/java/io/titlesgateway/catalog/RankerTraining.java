package io.titlesgateway.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Trains the catalog's ranking from the open data's own labels, at build time: every alternate
 * title names its occupation, so a title held out is a question whose answer is known. Titles fall
 * into ten folds by their name. Two folds train the ranking, two others calibrate its confidence,
 * and the evaluation fold is never seen. One of each pair is asked against an index that lacks its
 * titles (the hard case, a title the catalog does not list), the other against the whole catalog
 * (the usual case, a listed title written messily); each question is a posting-like variant of
 * the title ({@link MessyTitles}).
 *
 * <p>The ranking is a linear score fitted by a listwise softmax loss: for each question, the share
 * of the softmax over its candidates that falls on candidates of a right occupation is maximized,
 * and, with half that weight, the share on the very title it was written from where the index lists
 * it, so that within an occupation the title that says what the question says comes first.
 * At answer time the occupations are ordered by that share, and the calibration is a logistic
 * regression of "the top answer is right" on the log odds of the top occupation's share, the top
 * answer's score and its Dice. Everything is deterministic: the same data gives the
 * same model, to the last digit.
 */
final class RankerTraining {

    /** The fold bench/catalog-eval.sh measures on: never trained or calibrated on. */
    static final int EVALUATION_FOLD = 3;
    /** Titles asked against an index that lacks them, to train and to calibrate. */
    private static final int HARD_TRAINING = 5;
    private static final int HARD_CALIBRATION = 9;
    /** Titles asked against the whole catalog, written messily, to train and to calibrate. */
    private static final int LISTED_TRAINING = 7;
    private static final int LISTED_CALIBRATION = 1;
    /** Changes whenever how the model is trained changes, so that the fingerprint does. */
    private static final String METHOD = "listwise-softmax+source-0.5/adam-400/l2-1e-3; occupation-share-order; platt-on-share-score-dice; folds 5,7|9,1; messy-v1";
    private static final List<String> DATA = List.of("occupation_data.tsv.gz", "alternate_titles.tsv.gz", "sample_of_reported_titles.tsv.gz",
            "soc_2018_definitions.tsv.gz", "technology_skills.tsv.gz", CatalogLoader.CURRENT_TITLES);
    /** The code that cleans titles, retrieves candidates, computes their features and trains: a change to any retrains. */
    private static final List<Class<?>> CODE = List.of(TitleCleaner.class, CatalogIndex.class, Similarity.class, Ranker.class,
            Ranker.Feature.class, MessyTitles.class, RankerTraining.class, CatalogLoader.class);
    private static final int ITERATIONS = 400;
    /** How many questions one task of a training step sums the gradient over: fixed, so that the sums are. */
    private static final int GRADIENT_CHUNK = 256;
    private static final double LEARNING_RATE = 0.05;
    private static final double L2 = 1e-3;
    /** How much putting the very title a question was written from first counts, against putting its occupation first. */
    private static final double SOURCE_WEIGHT = 0.5;

    private RankerTraining() {
    }

    /** A title's fold, 0–9, fixed by its name. */
    static int fold(String name) {
        return Math.floorMod(name.toLowerCase(Locale.ROOT).hashCode(), 10);
    }

    /** A question with a known answer: a messy title, the title it was written from, and the occupations (SOC codes) that list it. */
    record Question(String raw, String source, Set<String> socs) {
    }

    /** The questions of one fold: a posting-like variant of each of its alternate titles. */
    static List<Question> questions(List<CatalogTitle> catalog, int fold) {
        List<Question> questions = new ArrayList<>();
        for (CatalogTitle title : catalog) {
            if (!title.canonical() && fold(title.name()) == fold) {
                Set<String> socs = title.occupations().stream().map(o -> o.soc().id()).collect(Collectors.toCollection(TreeSet::new));
                questions.add(new Question(MessyTitles.variant(title.name(), 31L * title.name().hashCode() + fold), title.name(), socs));
            }
        }
        return questions;
    }

    /** Trains the model for this catalog (the whole of it, as {@link CatalogLoader#load()} reads it), on every question of its folds. */
    static Ranker train(List<CatalogTitle> catalog) {
        return train(catalog, Integer.MAX_VALUE);
    }

    /**
     * Trains on at most {@code questionsPerFold} questions of each training and calibration fold:
     * the build trains on all of them; a test of the training itself needs only a sample.
     */
    static Ranker train(List<CatalogTitle> catalog, int questionsPerFold) {
        CatalogIndex whole = CatalogIndex.build(catalog);
        CatalogIndex lacking = CatalogIndex.build(CatalogLoader.load(name -> fold(name) != HARD_TRAINING && fold(name) != HARD_CALIBRATION));

        List<Labelled> training = new ArrayList<>(labelled(lacking, sample(questions(catalog, HARD_TRAINING), questionsPerFold)));
        training.addAll(labelled(whole, sample(questions(catalog, LISTED_TRAINING), questionsPerFold)));
        double[][] standard = standardization(training);
        double[] weights = fit(training, standard[0], standard[1]);
        String trainedOn = fingerprint();
        Ranker uncalibrated = new Ranker(standard[0], standard[1], weights, new double[] { 1, 0, 0, 0 }, trainedOn);

        List<double[]> tops = new ArrayList<>(topAnswers(lacking.rankingWith(uncalibrated),
                sample(questions(catalog, HARD_CALIBRATION), questionsPerFold)));
        tops.addAll(topAnswers(whole.rankingWith(uncalibrated), sample(questions(catalog, LISTED_CALIBRATION), questionsPerFold)));
        return new Ranker(standard[0], standard[1], weights, calibrate(tops), trainedOn);
    }

    /** At most {@code size} of the questions, spread evenly over them (they come in the catalog's order, by occupation). */
    static List<Question> sample(List<Question> questions, int size) {
        if (questions.size() <= size) {
            return questions;
        }
        List<Question> sample = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            sample.add(questions.get((int) ((long) i * questions.size() / size)));
        }
        return sample;
    }

    /** What the model is trained from: the open data's bytes, the compiled code that makes the features and trains, the method. */
    static String fingerprint() {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            for (String file : DATA) {
                try (InputStream in = RankerTraining.class.getResourceAsStream("/catalog/" + file)) {
                    if (in == null) {
                        throw new IllegalStateException("The catalog data file " + file + " is missing from the classpath");
                    }
                    digest.update(in.readAllBytes());
                }
            }
            for (Class<?> code : CODE) {
                try (InputStream in = code.getResourceAsStream(classFile(code))) {
                    if (in != null) { // absent only where classes are not files (a native image, which never trains)
                        digest.update(in.readAllBytes());
                    }
                }
            }
            digest.update(METHOD.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(), 0, 16);
        } catch (IOException unreadable) {
            throw new UncheckedIOException(unreadable);
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** A class's file name beside it: "Ranker$Feature.class" for a nested one. */
    private static String classFile(Class<?> code) {
        return code.getName().substring(code.getPackageName().length() + 1) + ".class";
    }

    /** One question's candidates: their features, which are of a right occupation, and which (if any) is the title it was written from. */
    private record Labelled(double[][] features, boolean[] right, int source) {

        /** The same question with each feature as standard deviations from its mean. */
        Labelled standardized(double[] mean, double[] scale) {
            double[][] standard = new double[features.length][];
            for (int i = 0; i < features.length; i++) {
                standard[i] = new double[features[i].length];
                for (int j = 0; j < features[i].length; j++) {
                    standard[i][j] = (features[i][j] - mean[j]) / scale[j];
                }
            }
            return new Labelled(standard, right, source);
        }
    }

    /**
     * The questions whose candidates hold both a right and a wrong occupation: only those teach the ranking
     * anything. Asked on every core (the index answers concurrently, as it does callers), kept in their order.
     */
    private static List<Labelled> labelled(CatalogIndex index, List<Question> questions) {
        return questions.parallelStream().map(question -> labelled(index, question)).filter(Objects::nonNull).toList();
    }

    /** The question labelled, or null where it teaches nothing. */
    private static Labelled labelled(CatalogIndex index, Question question) {
        List<CatalogIndex.Described> candidates = index.described(TitleCleaner.clean(question.raw()));
        double[][] features = new double[candidates.size()][];
        boolean[] right = new boolean[candidates.size()];
        int rights = 0;
        int source = -1;
        for (int i = 0; i < candidates.size(); i++) {
            features[i] = candidates.get(i).features();
            right[i] = question.socs().contains(candidates.get(i).title().primary().soc().id());
            rights += right[i] ? 1 : 0;
            source = candidates.get(i).title().name().equals(question.source()) ? i : source;
        }
        return rights > 0 && (rights < candidates.size() || source >= 0) ? new Labelled(features, right, source) : null;
    }

    /** Per feature, its mean and standard deviation over every candidate (1 where it does not vary). */
    private static double[][] standardization(List<Labelled> data) {
        int f = Ranker.FEATURES;
        double[] sum = new double[f];
        double[] squares = new double[f];
        long count = 0;
        for (Labelled question : data) {
            for (double[] row : question.features()) {
                for (int j = 0; j < f; j++) {
                    sum[j] += row[j];
                    squares[j] += row[j] * row[j];
                }
                count++;
            }
        }
        double[] mean = new double[f];
        double[] scale = new double[f];
        for (int j = 0; j < f; j++) {
            mean[j] = sum[j] / count;
            double variance = squares[j] / count - mean[j] * mean[j];
            scale[j] = variance > 1e-12 ? Math.sqrt(variance) : 1;
        }
        return new double[][] { mean, scale };
    }

    /**
     * The weights that put the most softmax mass on right candidates, by full-batch Adam. Each step's
     * gradient is summed over fixed chunks of the questions on every core, then over the chunks in their
     * order: the same sums, to the last digit, however many cores there are.
     */
    private static double[] fit(List<Labelled> data, double[] mean, double[] scale) {
        List<Labelled> standard = data.stream().map(question -> question.standardized(mean, scale)).toList();
        int chunks = (standard.size() + GRADIENT_CHUNK - 1) / GRADIENT_CHUNK;
        double[] weights = new double[Ranker.FEATURES];
        Adam adam = new Adam(Ranker.FEATURES);
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            List<double[]> parts = IntStream.range(0, chunks).parallel()
                    .mapToObj(chunk -> gradient(standard.subList(chunk * GRADIENT_CHUNK,
                            Math.min(standard.size(), (chunk + 1) * GRADIENT_CHUNK)), weights))
                    .toList();
            double[] gradient = new double[Ranker.FEATURES];
            for (double[] part : parts) {
                for (int j = 0; j < gradient.length; j++) {
                    gradient[j] += part[j];
                }
            }
            for (int j = 0; j < gradient.length; j++) {
                gradient[j] = gradient[j] / data.size() + 2 * L2 * weights[j];
            }
            adam.step(weights, gradient);
        }
        return weights;
    }

    /** The gradient of the loss over {@code questions} (standardized features), unscaled. */
    private static double[] gradient(List<Labelled> questions, double[] weights) {
        int f = weights.length;
        double[] gradient = new double[f];
        for (Labelled question : questions) {
            double[][] x = question.features();
            int n = x.length;
            double[] scores = new double[n];
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) {
                double s = 0;
                for (int j = 0; j < f; j++) {
                    s += weights[j] * x[i][j];
                }
                scores[i] = s;
                max = Math.max(max, s);
            }
            double all = 0;
            double right = 0;
            for (int i = 0; i < n; i++) {
                scores[i] = Math.exp(scores[i] - max);
                all += scores[i];
                right += question.right()[i] ? scores[i] : 0;
            }
            for (int i = 0; i < n; i++) {
                double p = scores[i] / all;
                // d(-log P(right))/d(score_i): p_i, less p_i / P(right) for the right ones
                double g = p - (question.right()[i] ? scores[i] / right : 0);
                if (question.source() >= 0) {
                    // and, where the title it was written from is listed, d(-log P(that title)): the right title within the occupation
                    g += SOURCE_WEIGHT * (p - (i == question.source() ? 1 : 0));
                }
                for (int j = 0; j < f; j++) {
                    gradient[j] += g * x[i][j];
                }
            }
        }
        return gradient;
    }

    /** Per question, the top answer's calibration inputs, and whether it is right (1) or not (0); asked on every core, kept in order. */
    private static List<double[]> topAnswers(CatalogIndex index, List<Question> questions) {
        return questions.parallelStream().map(question -> topAnswer(index, question)).filter(Objects::nonNull).toList();
    }

    /** The question's top answer as {@link #topAnswers} gives it, or null where nothing answers. */
    private static double[] topAnswer(CatalogIndex index, Question question) {
        CatalogIndex.Ranking ranking = index.rank(index.described(TitleCleaner.clean(question.raw())));
        if (ranking.size() == 0) {
            return null;
        }
        boolean right = question.socs().contains(ranking.title(0).primary().soc().id());
        double[] inputs = Ranker.calibrationInputs(ranking.share(0), ranking.score(0), ranking.dice(0));
        return new double[] { inputs[0], inputs[1], inputs[2], right ? 1 : 0 };
    }

    /** The logistic regression of rightness on the calibration inputs: their weights, and a bias. */
    private static double[] calibrate(List<double[]> tops) {
        int inputs = 3;
        double[] weights = new double[inputs + 1];
        Adam adam = new Adam(inputs + 1);
        for (int iteration = 0; iteration < 2 * ITERATIONS; iteration++) {
            double[] gradient = new double[inputs + 1];
            for (double[] top : tops) {
                double z = weights[inputs];
                for (int j = 0; j < inputs; j++) {
                    z += weights[j] * top[j];
                }
                double g = 1 / (1 + Math.exp(-z)) - top[inputs];
                for (int j = 0; j < inputs; j++) {
                    gradient[j] += g * top[j];
                }
                gradient[inputs] += g;
            }
            for (int j = 0; j <= inputs; j++) {
                gradient[j] /= tops.size();
            }
            adam.step(weights, gradient);
        }
        return weights;
    }

    /** Adam's update, with its usual constants. */
    private static final class Adam {
        private final double[] first;
        private final double[] second;
        private int steps;

        Adam(int size) {
            first = new double[size];
            second = new double[size];
        }

        void step(double[] weights, double[] gradient) {
            steps++;
            for (int j = 0; j < weights.length; j++) {
                first[j] = 0.9 * first[j] + 0.1 * gradient[j];
                second[j] = 0.999 * second[j] + 0.001 * gradient[j] * gradient[j];
                double corrected = first[j] / (1 - Math.pow(0.9, steps));
                double spread = second[j] / (1 - Math.pow(0.999, steps));
                weights[j] -= LEARNING_RATE * corrected / (Math.sqrt(spread) + 1e-8);
            }
        }
    }
}
