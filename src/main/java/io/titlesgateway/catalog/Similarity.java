package io.titlesgateway.catalog;

import java.util.List;

/**
 * How much a candidate title and a raw title have in common: each raw word is paired with the
 * title word it matches best, a word one typo away, or the start of a longer word, counting for
 * part of a match, each word weighted by how much it tells. {@link #dice()} is the weighted Dice
 * coefficient (1: the same words); the rest describes the pairing for the learned ranking.
 *
 * @param matched weights of the matched pairs, each pair counting its raw word's and its title word's weight times how well they match
 * @param rawMatched of the raw title's weight, how much found a match
 * @param rawTotal the raw title's weight
 * @param titleMatched of the candidate's weight, how much was matched
 * @param titleTotal the candidate's weight
 * @param unmatchedTitleWords the candidate's words nothing in the raw title matched
 * @param headMatched whether the raw title's last word (its head noun, in English) matches the candidate's last word
 * @param firstMatched whether the first words match
 * @param verbatim whether the candidate is the raw title's words exactly, in the same order: how the title is written
 * @param asidesMatched how many of the raw title's set-aside words (a shift, a place) the candidate holds
 * @param asidesMissed the weight of the set-aside words the candidate lacks, counted at {@value #ASIDE_MISSED}
 */
record Similarity(double matched, double rawMatched, double rawTotal, double titleMatched, double titleTotal,
        int unmatchedTitleWords, boolean headMatched, boolean firstMatched, boolean verbatim, int asidesMatched,
        double asidesMissed) {

    private static final double TYPO = 0.8;
    private static final double PREFIX = 0.6;
    /**
     * What a set-aside word a candidate lacks costs, of its weight: little, as it is usually noise
     * ("RN - nights"), but enough that "Night Auditor" beats "Auditor" for "night auditor".
     */
    static final double ASIDE_MISSED = 0.25;
    static final Similarity NONE = new Similarity(0, 0, 0, 0, 0, 0, false, false, false, 0, 0);

    /** 0–1: the matched weight against the weights of all words on both sides, set-aside words the candidate lacks at a fraction. */
    double dice() {
        double total = rawTotal + titleTotal + asidesMissed;
        return total == 0 ? 0 : Math.min(1, matched / total);
    }

    /** The same words on both sides, set-aside words the candidate lacks left out. */
    boolean exact() {
        double total = rawTotal + titleTotal;
        return total > 0 && matched / total >= 0.999;
    }

    /** The share of the raw title's weight the candidate covers. */
    double rawCoverage() {
        return rawTotal == 0 ? 0 : rawMatched / rawTotal;
    }

    /** The share of the candidate's weight the raw title covers. */
    double titleCoverage() {
        return titleTotal == 0 ? 0 : titleMatched / titleTotal;
    }

    /**
     * Pairs each raw word with its best unused title word, in the raw title's order, then each
     * set-aside word with an unused title word it equals: a set-aside word counts, on both sides,
     * only where the candidate holds it ("night" in "Night Auditor"), and is otherwise left out.
     */
    static Similarity of(List<String> rawWords, double[] rawWeights, boolean[] rawKnown, List<String> asides, double[] asideWeights,
            String[] titleWords, double[] titleWeights) {
        if (rawWords.isEmpty() || titleWords.length == 0) {
            return NONE;
        }
        boolean[] used = new boolean[titleWords.length];
        double matched = 0;
        double rawMatched = 0;
        double rawTotal = 0;
        double titleMatched = 0;
        int last = rawWords.size() - 1;
        boolean head = false;
        boolean first = false;
        boolean inOrder = rawWords.size() == titleWords.length;
        for (int r = 0; r < rawWords.size(); r++) {
            rawTotal += rawWeights[r];
            int best = -1;
            double bestScore = 0;
            for (int i = 0; i < titleWords.length; i++) {
                if (!used[i]) {
                    double score = wordScore(rawWords.get(r), rawKnown[r], titleWords[i]);
                    if (score > bestScore) {
                        bestScore = score;
                        best = i;
                    }
                }
            }
            if (best >= 0) {
                used[best] = true;
                matched += bestScore * (rawWeights[r] + titleWeights[best]);
                rawMatched += bestScore * rawWeights[r];
                titleMatched += bestScore * titleWeights[best];
                head |= r == last && best == titleWords.length - 1;
                first |= r == 0 && best == 0;
            }
            inOrder &= best == r && bestScore == 1;
        }
        int asidesMatched = 0;
        double asidesMissed = 0;
        for (int a = 0; a < asides.size(); a++) {
            asidesMissed += ASIDE_MISSED * asideWeights[a];
            for (int i = 0; i < titleWords.length; i++) {
                if (!used[i] && asides.get(a).equals(titleWords[i])) {
                    used[i] = true;
                    matched += asideWeights[a] + titleWeights[i];
                    rawMatched += asideWeights[a];
                    rawTotal += asideWeights[a];
                    titleMatched += titleWeights[i];
                    asidesMatched++;
                    asidesMissed -= ASIDE_MISSED * asideWeights[a];
                    break;
                }
            }
        }
        double titleTotal = 0;
        int unmatched = 0;
        for (int i = 0; i < titleWords.length; i++) {
            titleTotal += titleWeights[i];
            unmatched += used[i] ? 0 : 1;
        }
        return new Similarity(matched, rawMatched, rawTotal, titleMatched, titleTotal, unmatched, head, first, inOrder, asidesMatched,
                Math.max(0, asidesMissed));
    }

    /**
     * How well a raw word matches a title word. A word titles hold is what it says, neither a typo of
     * another ("brand" is no "band") nor the start of a longer one ("product" is no "production").
     */
    private static double wordScore(String raw, boolean known, String title) {
        if (raw.equals(title)) {
            return 1;
        }
        if (known) {
            return 0;
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
