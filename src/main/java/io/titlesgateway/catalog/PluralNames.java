package io.titlesgateway.catalog;

import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.atteo.evo.inflector.English;

/**
 * The plural of a job title, as Lightcast's {@code pluralName} gives it: the head noun made plural,
 * the rest kept ("Registered Nurses", "Chiefs of Police", "Sales Associates", "CPAs"). The head is
 * the last word, unless the title names a role followed by what it is of or for and ends in a word
 * that names no role ("Chief of Police", "Director of Nursing"): then the word before the
 * preposition. A list ("Beam Carrier, Hauler") has each item made plural, a parenthesis ("Lab
 * Assistant (Laboratory Assistant)") likewise; a title whose head is plural already is left alone.
 * The words themselves are made plural by Evo Inflector's English rules, case kept.
 */
final class PluralNames {

    private static final Pattern PARENTHESIS = Pattern.compile("^(.*?)\\s*\\((.*)\\)\\s*$");
    private static final Pattern PREPOSITION = Pattern.compile("\\s(of|for|to|at|in|on|with|from)\\s", Pattern.CASE_INSENSITIVE);
    /** Endings of words that name someone who does something: such a last word is the head even after a preposition. */
    private static final String[] ROLE_ENDINGS = { "er", "or", "ist", "ian", "ant", "ent", "ee", "man", "woman", "person", "member",
            "aide", "nurse", "clerk", "chef", "cook", "ate", "ive", "ic", "ect", "lead", "head", "chief", "pilot", "guard", "coach",
            "judge", "tech", "hand", "model", "mate" };
    /** Words that are plural, or take no plural, already: a title with one of these as its head stays as it is. */
    private static final Set<String> NO_PLURAL = Set.of("staff", "personnel", "crew", "police", "people", "men", "women", "series",
            "sales", "services", "operations", "relations", "affairs", "resources", "logistics", "analytics", "aerobics", "athletics");
    /** Endings of single words after a comma that describe rather than name ("Nurse, Registered"): not made plural. */
    private static final String[] DESCRIBING_ENDINGS = { "ed", "al", "ary", "ory", "ial", "ior", "ous", "ible", "able", "ic" };

    private PluralNames() {
    }

    static String of(String title) {
        if (title == null || title.isBlank()) {
            return title;
        }
        Matcher parenthesis = PARENTHESIS.matcher(title);
        if (parenthesis.matches() && !parenthesis.group(1).isBlank()) {
            return of(parenthesis.group(1)) + " (" + of(parenthesis.group(2)) + ")";
        }
        if (title.contains(",")) {
            String[] items = title.split(",", -1);
            StringBuilder plural = new StringBuilder(ofItem(items[0]));
            for (int i = 1; i < items.length; i++) {
                String item = items[i].strip();
                plural.append(", ").append(describes(item) ? item : ofItem(item));
            }
            return plural.toString();
        }
        return ofItem(title);
    }

    private static String ofItem(String item) {
        String title = item.strip();
        if (title.isEmpty()) {
            return title;
        }
        Matcher preposition = PREPOSITION.matcher(title);
        if (preposition.find() && preposition.start() > 0 && !namesARole(lastWord(title))) {
            return pluralOfLastWord(title.substring(0, preposition.start())) + title.substring(preposition.start());
        }
        return pluralOfLastWord(title);
    }

    private static String pluralOfLastWord(String phrase) {
        int space = phrase.lastIndexOf(' ');
        // "Waiter/Waitress": each name of a slashed pair is made plural
        String[] names = phrase.substring(space + 1).split("/", -1);
        return phrase.substring(0, space + 1) + String.join("/", Arrays.stream(names).map(PluralNames::plural).toList());
    }

    /** One word made plural, its case kept: "Nurse" → "Nurses", "RN" → "RNs", "Man" → "Men". */
    static String plural(String word) {
        if (word.isEmpty() || !Character.isLetter(word.charAt(word.length() - 1)) || isPlural(word)) {
            return word;
        }
        if (word.length() <= 6 && word.equals(word.toUpperCase(Locale.ROOT)) && word.chars().anyMatch(Character::isLetter)) {
            return word + "s"; // an abbreviation: CPAs, RNs
        }
        String plural = English.plural(word.toLowerCase(Locale.ROOT));
        if (Character.isUpperCase(word.charAt(0))) {
            plural = Character.toUpperCase(plural.charAt(0)) + plural.substring(1);
        }
        return plural;
    }

    private static boolean isPlural(String word) {
        String lower = word.toLowerCase(Locale.ROOT);
        if (NO_PLURAL.contains(lower)) {
            return true;
        }
        return lower.length() > 3 && lower.endsWith("s") && !lower.endsWith("ss") && !lower.endsWith("us") && !lower.endsWith("is")
                && !word.equals(word.toUpperCase(Locale.ROOT));
    }

    private static boolean namesARole(String word) {
        return endsWithAny(word, ROLE_ENDINGS);
    }

    private static boolean describes(String item) {
        return !item.contains(" ") && endsWithAny(item, DESCRIBING_ENDINGS);
    }

    private static boolean endsWithAny(String word, String[] endings) {
        String lower = word.toLowerCase(Locale.ROOT);
        return Arrays.stream(endings).anyMatch(lower::endsWith);
    }

    private static String lastWord(String title) {
        return title.substring(title.lastIndexOf(' ') + 1);
    }
}
