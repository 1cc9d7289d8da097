package io.titlesgateway.catalog;

import java.util.List;

/**
 * How much a candidate title and a raw title have in common, 0–1: a Dice coefficient over their
 * words, each word weighted by how much it tells, where a word one typo away, or the start of a
 * longer word, counts for part of a match. 1 means the same words; 0.5, the default threshold,
 * about half of what they say.
 */
final class Similarity {

    private static final double TYPO = 0.8;
    private static final double PREFIX = 0.6;

    private Similarity() {
    }

    /** Weighted: a matched pair counts the raw word's weight on both sides, against the weights of all words. */
    static double of(List<String> rawWords, double[] rawWeights, String[] titleWords, double[] titleWeights) {
        if (rawWords.isEmpty() || titleWords.length == 0) {
            return 0;
        }
        boolean[] used = new boolean[titleWords.length];
        double matched = 0;
        double total = 0;
        for (int r = 0; r < rawWords.size(); r++) {
            total += rawWeights[r];
            int best = -1;
            double bestScore = 0;
            for (int i = 0; i < titleWords.length; i++) {
                if (!used[i]) {
                    double score = wordScore(rawWords.get(r), titleWords[i]);
                    if (score > bestScore) {
                        bestScore = score;
                        best = i;
                    }
                }
            }
            if (best >= 0) {
                used[best] = true;
                matched += bestScore * (rawWeights[r] + titleWeights[best]);
            }
        }
        for (double weight : titleWeights) {
            total += weight;
        }
        return total == 0 ? 0 : Math.min(1, matched / total);
    }

    private static double wordScore(String raw, String title) {
        if (raw.equals(title)) {
            return 1;
        }
        if (raw.length() >= 4 && title.length() >= 4 && withinOneEdit(raw, title)) {
            return TYPO;
        }
        if (raw.length() >= 4 && title.startsWith(raw)) {
            return PREFIX;
        }
        return 0;
    }

    /** True when one insertion, deletion, substitution or swap of neighbours turns one word into the other. */
    static boolean withinOneEdit(String a, String b) {
        int la = a.length();
        int lb = b.length();
        if (Math.abs(la - lb) > 1) {
            return false;
        }
        int i = 0;
        while (i < Math.min(la, lb) && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        if (la == lb) {
            if (a.substring(i + 1).equals(b.substring(i + 1))) {
                return true; // substitution
            }
            return i + 1 < la && a.charAt(i) == b.charAt(i + 1) && a.charAt(i + 1) == b.charAt(i)
                    && a.substring(i + 2).equals(b.substring(i + 2)); // swap
        }
        return la > lb ? a.substring(i + 1).equals(b.substring(i)) : a.substring(i).equals(b.substring(i + 1));
    }
}
