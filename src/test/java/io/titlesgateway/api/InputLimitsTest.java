package io.titlesgateway.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

/** The path checks are written by hand for speed; these hold them to the rules as patterns state them. */
class InputLimitsTest {

    private static final Pattern VERSION_RULE = Pattern.compile("(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._-]{0,31}");
    private static final Pattern TITLE_ID_RULE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** Every character the rules name, their neighbours in ASCII, and some they never take. */
    private static final String ALPHABET = "aZz09AM._-./:%@`[{ é\u0660\uFF21";

    @Test
    void versionsAreTheNamesLightcastUsesAndNothingElse() {
        for (String good : new String[] {"latest", "5.47", "5.47.1", "v5_47-beta", "a".repeat(32)}) {
            assertTrue(InputLimits.isVersion(good), good);
        }
        for (String bad : new String[] {null, "", ".5", "-5", "5..47", "5.47/..", "5 47", "5%2E47", "a".repeat(33), "٥.٤٧"}) {
            assertFalse(InputLimits.isVersion(bad), String.valueOf(bad));
        }
    }

    @Test
    void titleIdsAreLettersDigitsDashesAndUnderscores() {
        for (String good : new String[] {"ET3B93055220D592C8", "ET_1-2", "9", "a".repeat(64)}) {
            assertTrue(InputLimits.isTitleId(good), good);
        }
        for (String bad : new String[] {null, "", "_ET1", "ET.1", "ET%31", "ET/1", "a".repeat(65), "ETé"}) {
            assertFalse(InputLimits.isTitleId(bad), String.valueOf(bad));
        }
    }

    @Test
    void theHandWrittenChecksAgreeWithTheRulesOnRandomInput() {
        Random random = new Random(20261205);
        for (int i = 0; i < 200_000; i++) {
            String candidate = randomString(random, random.nextInt(70));
            assertEquals(VERSION_RULE.matcher(candidate).matches(), InputLimits.isVersion(candidate), candidate);
            assertEquals(TITLE_ID_RULE.matcher(candidate).matches(), InputLimits.isTitleId(candidate), candidate);
        }
    }

    private static String randomString(Random random, int length) {
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            // mostly what the rules take, so that long valid names and near misses both come up
            text.append(random.nextInt(10) < 8 ? "aZ09._-".charAt(random.nextInt(7)) : ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return text.toString();
    }
}
