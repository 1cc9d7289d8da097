package io.titlesgateway.catalog;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a raw job title as people type it ("Sr. RN - ICU nights, $45/hr, Dallas TX #12345") into
 * the words that name the job ("senior registered nurse icu") and the seniority it carries: case,
 * accents and punctuation folded, abbreviations spelled out, pay, shifts, remote work, locations
 * and requisition numbers dropped. Shift, schedule and place words are set aside rather than lost:
 * they are noise in most postings but part of some titles ("Night Auditor", "Travel Agent", "City
 * Planner"), so a catalog name keeps them and a raw title's count where a candidate holds them.
 */
final class TitleCleaner {

    private static final Pattern NON_WORD = Pattern.compile("[^a-z0-9+#]+");
    private static final Pattern LONG_NUMBER = Pattern.compile("[0-9]{3,}");
    private static final Pattern MARKS = Pattern.compile("\\p{M}+");
    private static final Pattern PAY = Pattern.compile("\\$\\s?[0-9][0-9,.]*k?(\\s*(/|per)\\s*(hr|hour|h|yr|year|annum|wk|week))?"
            + "|[0-9][0-9,.]*\\s*(k|/hr|/hour|/yr|per hour|an hour)\\b");
    private static final Pattern REQUISITION = Pattern.compile(
            "(#|\\breq\\b|\\brequisition\\b|\\bjob id\\b|\\bid\\b)[\\s#:]*[a-z0-9-]*[0-9][a-z0-9-]*");
    /** "Head of Sales" is how postings write what titles call a Sales Director; "Head Cook" keeps its head. */
    private static final Pattern HEAD_OF = Pattern.compile("\\bhead of\\b");
    /** "OR Nurse": a capital OR in a title not all in capitals is the operating room, not "or". */
    private static final Pattern OPERATING_ROOM = Pattern.compile("\\bOR\\b");
    /** After a comma, what makes the commas a list's ("Heating, Ventilation, and Air Conditioning"), not a job before its field. */
    private static final Pattern LIST = Pattern.compile("\\b(and|or)\\b");
    private static final Pattern STATE_CODE_AFTER_COMMA = Pattern.compile(",\\s*[a-z]{2}\\b(\\s+[0-9]{5})?");

    private static final Map<String, String> ABBREVIATIONS = Map.ofEntries(
            Map.entry("sr", "senior"), Map.entry("snr", "senior"), Map.entry("jr", "junior"),
            Map.entry("mgr", "manager"), Map.entry("mngr", "manager"), Map.entry("mgmt", "management"),
            Map.entry("eng", "engineer"), Map.entry("engr", "engineer"), Map.entry("dev", "developer"),
            Map.entry("admin", "administrator"), Map.entry("adm", "administrator"), Map.entry("asst", "assistant"),
            Map.entry("assoc", "associate"), Map.entry("dir", "director"), Map.entry("coord", "coordinator"),
            Map.entry("spec", "specialist"), Map.entry("tech", "technician"), Map.entry("techs", "technician"),
            Map.entry("acct", "accountant"), Map.entry("rep", "representative"), Map.entry("reps", "representative"),
            Map.entry("exec", "executive"), Map.entry("ops", "operations"), Map.entry("svc", "service"),
            Map.entry("cust", "customer"), Map.entry("supv", "supervisor"), Map.entry("supvr", "supervisor"),
            Map.entry("sup", "supervisor"), Map.entry("maint", "maintenance"), Map.entry("mech", "mechanic"),
            Map.entry("elec", "electrician"), Map.entry("mfg", "manufacturing"), Map.entry("prod", "production"),
            Map.entry("qa", "quality assurance"), Map.entry("qc", "quality control"), Map.entry("hr", "human resources"),
            Map.entry("rn", "registered nurse"), Map.entry("lpn", "licensed practical nurse"),
            Map.entry("lvn", "licensed vocational nurse"), Map.entry("cna", "certified nursing assistant"),
            Map.entry("np", "nurse practitioner"), Map.entry("pa", "physician assistant"), Map.entry("md", "physician"),
            Map.entry("vp", "vice president"), Map.entry("svp", "senior vice president"),
            Map.entry("evp", "executive vice president"), Map.entry("ceo", "chief executive officer"),
            Map.entry("cfo", "chief financial officer"), Map.entry("cto", "chief technology officer"),
            Map.entry("coo", "chief operating officer"), Map.entry("cio", "chief information officer"),
            Map.entry("swe", "software engineer"), Map.entry("sde", "software development engineer"),
            Map.entry("sdet", "software development engineer in test"),
            Map.entry("sw", "software"), Map.entry("pm", "project manager"), Map.entry("dba", "database administrator"),
            Map.entry("csr", "customer service representative"), Map.entry("cdl", "truck driver"),
            Map.entry("emt", "emergency medical technician"), Map.entry("hvac", "hvac"), Map.entry("it", "information technology"),
            Map.entry("ux", "user experience"), Map.entry("ui", "user interface"), Map.entry("dr", "doctor"),
            Map.entry("atty", "attorney"), Map.entry("para", "paralegal"), Map.entry("pharm", "pharmacy"),
            Map.entry("psych", "psychiatric"), Map.entry("tchr", "teacher"), Map.entry("instr", "instructor"),
            Map.entry("analyst", "analyst"), Map.entry("ap", "accounts payable"), Map.entry("ea", "executive assistant"));

    /** Seniority words: they become job levels, not part of what is matched. */
    private static final Map<String, String> LEVELS = Map.ofEntries(
            Map.entry("senior", "Senior"), Map.entry("junior", "Junior"), Map.entry("lead", "Lead"),
            Map.entry("principal", "Principal"), Map.entry("staff", "Staff"), Map.entry("entry", "Entry Level"),
            Map.entry("trainee", "Trainee"), Map.entry("intern", "Intern"), Map.entry("apprentice", "Apprentice"),
            Map.entry("i", "Level I"), Map.entry("ii", "Level II"), Map.entry("iii", "Level III"),
            Map.entry("iv", "Level IV"), Map.entry("v", "Level V"), Map.entry("1", "Level I"), Map.entry("2", "Level II"),
            Map.entry("3", "Level III"), Map.entry("4", "Level IV"));

    /**
     * Words after which a level word is part of what the job is about, not a level: "Chief of Staff",
     * "Director of Senior Services", and the second half of a pair, "F&I Manager", "E and I Tech".
     */
    private static final Set<String> BEFORE_A_NOUN = Set.of("of", "for", "and");

    /**
     * Jobs named for whom they serve: after "to", the words name that person ("Executive Assistant
     * to the CEO" is an executive assistant), set aside like a shift or a place.
     */
    private static final Set<String> SERVES = Set.of("assistant", "advisor", "adviser", "aide", "secretary", "liaison", "counsel");
    private static final String TO = "to";

    /** The level word that, after the job's words, is also its leader ("Team Lead"). */
    private static final String LEAD = "lead";
    private static final String LEADER = "leader";
    /** What a lead of a field is, read otherwise, where no title names the field's leader. */
    private static final String MANAGER = "manager";

    /** Pay, schedule, place-of-work and employment-type words: noise in a title. */
    private static final Set<String> NOISE = Set.of(
            "remote", "hybrid", "onsite", "wfh", "telecommute", "virtual", "nights", "night", "days", "day", "evenings",
            "evening", "weekends", "weekend", "overnight", "overnights", "shift", "shifts", "nocturnal", "1st", "2nd", "3rd",
            "ft", "pt", "prn", "fulltime", "parttime", "full", "part", "time", "per", "diem", "temp", "temporary",
            "contract", "contractor", "seasonal", "bonus", "signon", "sign", "on", "hiring", "immediately", "urgent",
            "urgently", "needed", "now", "hr", "hour", "hourly", "salary", "pay", "weekly", "benefits", "relocation",
            "opportunity", "position", "job", "openings", "opening", "w2", "c2c", "1099", "up", "to", "new", "grad",
            "level", "entry", "req", "usa", "us", "nationwide", "travel", "travelling", "local", "flexible", "schedule");

    /** Whole place names dropped anywhere: the US states and the largest cities. */
    private static final Set<String> PLACES = Set.of(
            "alabama", "alaska", "arizona", "arkansas", "california", "colorado", "connecticut", "delaware", "florida",
            "georgia", "hawaii", "idaho", "illinois", "indiana", "iowa", "kansas", "kentucky", "louisiana", "maine",
            "maryland", "massachusetts", "michigan", "minnesota", "mississippi", "missouri", "montana", "nebraska",
            "nevada", "ohio", "oklahoma", "oregon", "pennsylvania", "tennessee", "texas", "utah", "vermont", "virginia",
            "washington", "wisconsin", "wyoming", "york", "jersey", "carolina", "dakota", "hampshire", "mexico", "rhode",
            "island", "west", "north", "south", "new", "city", "county", "chicago", "houston", "phoenix", "philadelphia",
            "antonio", "san", "diego", "dallas", "jose", "austin", "jacksonville", "fort", "worth", "columbus", "charlotte",
            "francisco", "indianapolis", "seattle", "denver", "boston", "el", "paso", "nashville", "detroit", "portland",
            "memphis", "louisville", "baltimore", "milwaukee", "albuquerque", "tucson", "fresno", "sacramento", "atlanta",
            "omaha", "raleigh", "miami", "oakland", "minneapolis", "tulsa", "cleveland", "wichita", "arlington",
            "tampa", "orlando", "pittsburgh", "cincinnati", "angeles", "los", "las", "vegas", "st", "louis", "nyc", "la",
            "sf", "dc", "metro", "area", "downtown", "london", "toronto", "remote-us");

    private TitleCleaner() {
    }

    static RawTitle clean(String raw) {
        return words(withoutPayOrPlace(phrased(raw)), false);
    }

    /**
     * The ways a raw title can be read, the title as written first; then, for one that names
     * alternatives with a slash ("Receptionist/Admin Assistant"), its first alternative, for one
     * that names its job before a comma ("Manager, Operations"), its parts the other way round, and
     * for a lead of a field ("Product Lead", read as written as its leader), its manager. The
     * matcher answers the reading it is surest of: O*NET writes modifiers with slashes ("UI/UX
     * Designer"), read best as written, and lists with commas ("Health, Safety and Environmental
     * Engineer"), never turned round.
     */
    static List<RawTitle> readings(String raw) {
        String phrased = phrased(raw);
        String text = withoutPayOrPlace(phrased);
        List<RawTitle> readings = new ArrayList<>(4);
        RawTitle asWritten = words(text, false);
        readings.add(asWritten);
        if (leadsTheJob(asWritten, text)) {
            // "Product Lead", "Design Lead": no title of that field is its leader, but its manager is
            List<String> managing = new ArrayList<>(asWritten.words());
            managing.set(managing.size() - 1, MANAGER);
            readings.add(new RawTitle(List.copyOf(managing), asWritten.jobLevels(), asWritten.asides()));
        }
        int slash = text.indexOf('/');
        if (slash > 0) {
            readings.add(words(text.substring(0, slash), false));
        }
        // the list is seen before the state codes go: "Crop, Grain, or Livestock" is not in Oregon
        if (text.indexOf(',') >= 0 && !LIST.matcher(phrased.substring(phrased.indexOf(','))).find()) {
            List<String> parts = Arrays.asList(text.split(","));
            Collections.reverse(parts);
            readings.add(words(String.join(" ", parts), false));
        }
        return readings;
    }

    /** Whether the title's last word is the leader that a "lead" after the job's words became ("Team Lead"). */
    private static boolean leadsTheJob(RawTitle title, String text) {
        List<String> words = title.words();
        return words.size() > 1 && words.get(words.size() - 1).equals(LEADER) && !NON_WORD.splitAsStream(text).anyMatch(LEADER::equals);
    }

    /** A phrased title without its pay, requisition number and state code (whose "/" and "," are no alternatives or inversions). */
    private static String withoutPayOrPlace(String phrased) {
        String text = PAY.matcher(phrased).replaceAll(" ");
        text = REQUISITION.matcher(text).replaceAll(" ");
        return STATE_CODE_AFTER_COMMA.matcher(text).replaceAll(" ");
    }

    /**
     * A catalog name, cleaned the same way as a raw title but without looking for pay, requisition
     * numbers or state codes, which names never hold: the catalog's start-up cleans 47,000 of them.
     * Words a raw title sets aside are a name's own: "Travel" is what a travel agent does.
     */
    static RawTitle cleanName(String name) {
        return words(phrased(name), true);
    }

    /** Folded, and what postings and titles write differently written one way ("OR", "head of"). */
    private static String phrased(String title) {
        return HEAD_OF.matcher(fold(operatingRoom(title))).replaceAll("director of");
    }

    private static String operatingRoom(String title) {
        return title != null && title.chars().anyMatch(Character::isLowerCase)
                ? OPERATING_ROOM.matcher(title).replaceAll("Operating Room")
                : title;
    }

    private static RawTitle words(String text, boolean keepAsides) {
        List<String> words = new ArrayList<>();
        List<String> asides = keepAsides ? words : new ArrayList<>();
        Set<String> levels = new LinkedHashSet<>();
        List<String> levelWords = new ArrayList<>();
        int wordsBeforeLead = -1;
        boolean naming = false;
        String[] tokens = NON_WORD.split(text);
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.isEmpty() || LONG_NUMBER.matcher(token).matches()) {
                continue;
            }
            if (PLACES.contains(token)) {
                asides.add(token);
                continue;
            }
            if (!naming && token.equals(TO) && !words.isEmpty() && SERVES.contains(words.get(words.size() - 1))) {
                naming = true;
                continue;
            }
            String expanded = ABBREVIATIONS.getOrDefault(token, token);
            for (String word : expanded.split(" ")) {
                if (naming) {
                    asides.add(word);
                    continue;
                }
                String level = LEVELS.get(word);
                if (level != null && (word.length() > 1 || i > 0) && !(i > 0 && BEFORE_A_NOUN.contains(tokens[i - 1]))) {
                    levels.add(level);
                    levelWords.add(word);
                    if (i > 0 && word.equals(LEAD)) {
                        wordsBeforeLead = words.size();
                    }
                } else if (NOISE.contains(word)) {
                    asides.add(word);
                } else {
                    words.add(word);
                }
            }
        }
        if (wordsBeforeLead >= 0 && wordsBeforeLead == words.size()) {
            // "Team Lead", "Crew Lead": a lead after the job's words is its leader, as titles write it, as well as its level
            words.add(LEADER);
        }
        List<String> kept = keepAsides ? List.of() : List.copyOf(asides);
        if (words.isEmpty() && !levelWords.isEmpty()) {
            // "Principal", "Intern", "Apprentice": level words alone are the job itself, not the level of no job
            return new RawTitle(List.copyOf(levelWords), List.of(), kept);
        }
        return new RawTitle(List.copyOf(words), List.copyOf(levels), kept);
    }

    /** Whether {@code word} is one of the level words ("senior", "lead", "staff"): a word of the language, never a typo. */
    static boolean isLevelWord(String word) {
        return LEVELS.containsKey(word);
    }

    /** Lower case, no accents, "&" as "and", periods of abbreviations gone ("sr." is "sr"). */
    static String fold(String raw) {
        String decomposed = Normalizer.normalize(raw == null ? "" : raw, Normalizer.Form.NFD);
        return MARKS.matcher(decomposed).replaceAll("")
                .toLowerCase(Locale.ROOT)
                .replace("&", " and ")
                .replace(".", "");
    }
}
