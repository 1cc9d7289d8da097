package io.titlesgateway.catalog;

import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Titles written the ways job postings write them: abbreviated, with seniority, a location, shift,
 * remote and pay notes, a requisition number, a typo, shouted or in lower case. Deterministic for a
 * seed, so a build trains on the same variants every time. The ranking learns from them and the
 * evaluation measures on them (with other seeds and other titles).
 */
final class MessyTitles {

    private static final List<String> SENIORITY_BEFORE = List.of("Sr.", "Senior", "Jr.", "Lead", "Entry Level", "Principal");
    private static final List<String> SENIORITY_AFTER = List.of(" II", " III", " I", " 2", " - Senior");
    private static final List<String> LOCATIONS = List.of(" - Dallas, TX 75201", ", Chicago IL", " (Houston, TX)",
            " - Phoenix AZ", " | Atlanta, GA", " - New York, NY 10001", ", Seattle WA");
    private static final List<String> NOTES = List.of(" (Remote)", " - Nights", " - Weekends", " - $32/hr", " - Hybrid",
            " - 2nd Shift", " - PRN", " - Full Time", " - sign-on bonus!", " $85k");
    private static final List<String> REQUISITIONS = List.of(" - Req #88123", " #4471", " (Job ID 20931)", " - REQ-5512");

    private MessyTitles() {
    }

    /** A posting-like variant of {@code title}: each kind of mess with its own chance, decided by {@code seed}. */
    static String variant(String title, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        String messy = title;
        if (random.nextDouble() < 0.4) {
            messy = abbreviate(messy);
        }
        if (random.nextDouble() < 0.3) {
            messy = pick(random, SENIORITY_BEFORE) + " " + messy;
        } else if (random.nextDouble() < 0.15) {
            messy = messy + pick(random, SENIORITY_AFTER);
        }
        if (random.nextDouble() < 0.15) {
            messy = typo(messy);
        }
        if (random.nextDouble() < 0.3) {
            messy = messy + pick(random, NOTES);
        }
        if (random.nextDouble() < 0.25) {
            messy = messy + pick(random, LOCATIONS);
        }
        if (random.nextDouble() < 0.12) {
            messy = messy + pick(random, REQUISITIONS);
        }
        double casing = random.nextDouble();
        if (casing < 0.08) {
            messy = messy.toUpperCase(Locale.ROOT);
        } else if (casing < 0.25) {
            messy = messy.toLowerCase(Locale.ROOT);
        }
        return messy;
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

    private static String pick(SplittableRandom random, List<String> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
