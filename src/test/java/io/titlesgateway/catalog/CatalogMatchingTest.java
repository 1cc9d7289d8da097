package io.titlesgateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The catalog built from the shipped open data: what it holds, its stable ids, and its matcher on messy titles. */
class CatalogMatchingTest {

    private static List<CatalogTitle> titles;
    private static CatalogIndex index;

    @BeforeAll
    static void load() {
        titles = CatalogLoader.load();
        index = CatalogIndex.build(titles);
    }

    @Test
    void holdsEveryOccupationAndDistinctAlternateTitle() {
        assertThat(titles).hasSizeGreaterThan(46_000);
        assertThat(titles).extracting(CatalogTitle::name).contains("Registered Nurses", "Data Scientists", "Line Cook", "Product Owner");
        assertThat(titles).allSatisfy(title -> assertThat(title.occupations()).isNotEmpty());
    }

    @Test
    void idsAreTheSameAcrossLoadsAndNeverLookLikeLightcastIds() {
        List<String> again = CatalogLoader.load().stream().map(CatalogTitle::id).toList();
        assertThat(titles.stream().map(CatalogTitle::id).toList()).isEqualTo(again);
        assertThat(again).doesNotHaveDuplicates().allMatch(id -> id.matches("OT-[0-9A-F]{12}"))
                .noneMatch(id -> id.matches("ET[0-9A-F]{16}"));
    }

    @Test
    void theSnapshotShippedWithTheBuildIsTheCatalogBuiltFromTheData() {
        CatalogIndex shipped = CatalogSnapshot.read().orElseThrow(() -> new AssertionError(
                "the build writes a snapshot into target/classes/catalog/snapshot (process-classes)"));
        assertThat(shipped.size()).isEqualTo(titles.size());
        for (CatalogTitle title : List.of(titles.get(0), titles.get(titles.size() / 2), titles.get(titles.size() - 1))) {
            assertThat(shipped.byId(title.id())).isEqualTo(title);
        }
        for (String raw : List.of("Sr. RN - ICU nights", "data scientst II", "Line Cook - weekends")) {
            assertThat(shipped.match(TitleCleaner.clean(raw), 5)).isEqualTo(index.match(TitleCleaner.clean(raw), 5));
        }
    }

    @Test
    void mappingsCarrySocCodesAndSkills() {
        CatalogTitle nurse = titles.stream().filter(title -> title.name().equals("Registered Nurses")).findFirst().orElseThrow();
        var title = nurse.toTitle(Catalog.VERSION);
        assertThat(title.mapping().socs()).extracting("id").containsExactly("29-1141");
        assertThat(title.mapping().skills()).isNotEmpty().allSatisfy(skill -> assertThat(skill.id()).matches("(TS|SK)-.+"));
        assertThat(title.infoUrl()).isEqualTo("https://www.onetonline.org/link/summary/29-1141.00");
        assertThat(title.isSupervisor()).isFalse();
    }

    @Test
    void supervisorsAreRecognisedByTheirWords() {
        assertThat(titles.stream().filter(title -> title.name().equals("Store Manager")).findFirst().orElseThrow().supervisor())
                .isTrue();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Sr. RN - ICU nights | 29-1141",
            "registerd nurse | 29-1141",
            "RN | 29-1141",
            "LPN - Night Shift - Req #4471 | 29-2061",
            "Certified Nursing Assistant (CNA) PRN | 31-1131",
            "CNA | 31-1131",
            "software engineer | 15-1252",
            "Senior Java Dev (Remote) $150k | 15-1251",
            "Data Scientst II | 15-2051",
            "truck driver CDL-A, Dallas TX | 53-3032",
            "Asst Store Mgr | 41-1011",
            "Line Cook - weekends | 35-2014",
            "Warehouse Associate 2nd shift $18/hr | 53-7062",
            "Accountant, Chicago IL | 13-2011",
            "Elementary School Teacher | 25-2021",
            "electrician apprentice | 47-2111",
            "Plumber - sign-on bonus! | 47-2152",
            "Customer Service Rep (Remote) | 43-4051",
            "Executive Admin Asst | 43-6011",
            "Pharmacist - PRN | 29-1051",
            "Dental Hygienist | 29-1292",
            "Forklift Operator 3rd Shift | 53-7051",
            "HR Generalist | 13-1071",
            "Réstaurant Mgr (Hybrid) | 11-9051",
            "Sr. Accountant - Hybrid | 13-2011",
            "ICU RN - nights | 29-1141",
            "Travel Nurse - ICU - $3,100/wk | 29-1141",
            "Sr. Software Eng II (Remote) | 15-1252",
            "RETAIL STORE MANAGER - CHICAGO IL | 41-1011",
            "Phlebotomist - PRN | 31-9097",
            "Pharmacy Tech - nights | 29-2052",
            "Registered Nurse (RN) - Med/Surg - Sign-on Bonus | 29-1141",
            "Payroll Spec | 43-3051",
            "Sous Chef - weekends | 35-1011",
            "Heavy Equipment Operator - $28/hr | 47-2073",
            "Psych Tech - Nights | 29-2053",
            "Sr. SDET | 15-1253",
            "AP Clerk | 43-3031" })
    void messyTitlesFindTheirOccupation(String raw, String soc) {
        List<CatalogIndex.Candidate> best = index.match(TitleCleaner.clean(raw), 5);
        assertThat(best).as("candidates for " + raw).isNotEmpty();
        assertThat(best.get(0).title().primary().soc().id()).as("top-1 SOC of '" + raw + "', matched " + best.get(0).title().name())
                .isEqualTo(soc);
    }

    @Test
    void aMessyNursePostingFindsAPlainRnTitleNotATravelOne() {
        List<CatalogIndex.Candidate> best = index.match(TitleCleaner.clean("Sr. RN - ICU nights"), 10);
        assertThat(best.get(0).title().primary().soc().id()).isEqualTo("29-1141");
        assertThat(best.get(0).title().name()).containsIgnoringCase("RN").doesNotContainIgnoringCase("travel");
    }

    @ParameterizedTest
    @ValueSource(strings = { "Sr. RN - ICU nights", "data scientst", "Line Cook - weekends", "software engineer",
            "Warehouse Associate 2nd shift $18/hr" })
    void theCandidatesSpreadOverTheLikelyOccupationsBeforeRepeatingOne(String raw) {
        List<CatalogIndex.Candidate> list = index.match(TitleCleaner.clean(raw), 20);
        List<String> socs = list.stream().map(candidate -> candidate.title().primary().soc().id()).toList();
        assertThat(socs.subList(0, 5)).as("the first five candidates for " + raw).doesNotHaveDuplicates();
        Map<String, Double> bestOfOccupation = new HashMap<>();
        double previousBest = 1;
        for (CatalogIndex.Candidate candidate : list) {
            String soc = candidate.title().primary().soc().id();
            Double best = bestOfOccupation.putIfAbsent(soc, candidate.confidence());
            if (best == null) {
                assertThat(candidate.confidence()).as("an occupation's best is never surer than the one above it").isLessThanOrEqualTo(previousBest);
                previousBest = candidate.confidence();
            } else {
                assertThat(candidate.confidence()).as("a title is never surer than its occupation's best").isLessThanOrEqualTo(best);
            }
        }
    }

    @Test
    void aThresholdKeepsTheSureTitlesOfTheLikelyOccupation() {
        List<CatalogIndex.Candidate> sure = index.match(TitleCleaner.clean("data scientst"), 3, 0.5);
        assertThat(sure).hasSize(3).allSatisfy(candidate -> assertThat(candidate.confidence()).isGreaterThanOrEqualTo(0.5));
        assertThat(sure).extracting(candidate -> candidate.title().primary().soc().id()).containsOnly("15-2051");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Night Auditor | 43-4081",
            "Travel Agent | 41-3041",
            "Travel Nurse - ICU | 29-1141",
            "City Planner | 19-3051",
            "Benefits Manager - Hybrid | 11-3111",
            "Day Care Teacher | 25-2011" })
    void wordsUsuallyNoiseCountWhereATitleHoldsThem(String raw, String soc) {
        CatalogIndex.Candidate best = firstCandidate(raw);
        assertThat(best.title().primary().soc().id()).as("top-1 SOC of '" + raw + "', matched " + best.title().name()).isEqualTo(soc);
    }

    @Test
    void seniorityBecomesJobLevels() {
        assertThat(TitleCleaner.clean("Sr. Software Engineer II").jobLevels()).containsExactly("Senior", "Level II");
        assertThat(TitleCleaner.clean("Lead Line Cook").jobLevels()).containsExactly("Lead");
        assertThat(TitleCleaner.clean("Sr. Software Engineer II").words()).containsExactly("software", "engineer");
    }

    @Test
    void aTitleIsReadAsWrittenThenByItsFirstAlternativeAndTheOtherWayRoundAtACommaButNeverAListTurnedRound() {
        assertThat(TitleCleaner.readings("Receptionist/Admin Assistant")).extracting(RawTitle::text)
                .containsExactly("receptionist administrator assistant", "receptionist");
        assertThat(TitleCleaner.readings("Sr. Mgr, Ops")).extracting(RawTitle::text)
                .containsExactly("manager operations", "operations manager");
        assertThat(TitleCleaner.readings("Cashier - $15/hr, Houston, TX")).hasSize(2);
        assertThat(TitleCleaner.readings("Heating, Ventilation, and Air Conditioning Engineer")).hasSize(1);
        assertThat(TitleCleaner.readings("Crop, Grain, or Livestock Farm Manager")).hasSize(1);
        assertThat(TitleCleaner.readings("Product Lead")).extracting(RawTitle::text).containsExactly("product leader", "product manager");
        assertThat(TitleCleaner.readings("Lead Product Designer")).as("a lead before the job is its level only").hasSize(1);
        assertThat(TitleCleaner.readings("Product Leader")).as("a leader is one").hasSize(1);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Receptionist/Admin Assistant | 43-4171",
            "Manager, Operations | 11-1021",
            "Director, Marketing | 11-2021",
            "OB/GYN Nurse | 29-1141",
            "Heating, Ventilation, and Air Conditioning Engineer | 17-2199" })
    void theSurestReadingAnswersWhenTheTitleAsWrittenIsNotSure(String raw, String soc) {
        List<CatalogIndex.Candidate> asWritten = index.match(TitleCleaner.clean(raw), 1);
        CatalogIndex.Candidate answer = index.match(TitleCleaner.readings(raw), 1, 0).get(0);
        assertThat(answer.title().occupations()).extracting(occupation -> occupation.soc().id()).contains(soc);
        if (!asWritten.isEmpty() && asWritten.get(0).confidence() >= CatalogIndex.SURE) {
            assertThat(answer).as("a sure reading as written is kept").isEqualTo(asWritten.get(0));
        } else {
            assertThat(answer.confidence()).isGreaterThanOrEqualTo(CatalogIndex.SURE);
        }
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Executive Assistant to the CEO | 43-6011",
            "EA to President | 43-6011",
            "Legislative Aide to Senator | 23-2099",
            "Advisor to Command in Combat | 55-1015",
            "Door to Door Sales Rep | 41-9091" })
    void aJobNamedForWhomItServesIsThatJob(String raw, String soc) {
        assertThat(firstCandidate(raw).title().occupations()).extracting(occupation -> occupation.soc().id()).contains(soc);
    }

    @Test
    void aLevelWordAfterOfForOrAndIsWhatTheJobIsAbout() {
        RawTitle chiefOfStaff = TitleCleaner.clean("Chief of Staff");
        assertThat(chiefOfStaff.words()).containsExactly("chief", "of", "staff");
        assertThat(chiefOfStaff.jobLevels()).isEmpty();
        assertThat(TitleCleaner.clean("Sr. Director of Senior Services").jobLevels()).containsExactly("Senior");
        assertThat(TitleCleaner.clean("Coordinator for Senior Living").words()).contains("senior");
        assertThat(TitleCleaner.clean("F&I Manager").jobLevels()).as("the I of a pair is no level").isEmpty();
        assertThat(TitleCleaner.clean("E and I Tech II").jobLevels()).containsExactly("Level II");
        assertThat(firstCandidate("Chief of Staff").title().primary().soc().id()).isEqualTo("11-1011");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Principal | 11-9032",
            "Intern | 29-1229",
            "Apprentice - Nights | 47-3013" })
    void aTitleOfLevelWordsAloneIsTheJobItself(String raw, String soc) {
        RawTitle cleaned = TitleCleaner.clean(raw);
        assertThat(cleaned.jobLevels()).as("the level of no job").isEmpty();
        CatalogIndex.Candidate best = index.match(cleaned, 1).get(0);
        assertThat(best.title().name()).isEqualToIgnoringCase(cleaned.text());
        assertThat(best.title().occupations()).extracting(occupation -> occupation.soc().id()).contains(soc);
        assertThat(best.confidence()).isGreaterThanOrEqualTo(0.5);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Senior Analyst | Analyst",
            "Lead Teacher | Teacher",
            "Technician II | Technician",
            "Staff Engineer | Staff Engineer",
            "Principal Engineer | Engineer",
            "Representative | Representative" })
    void aTitleThatIsOneCommonWordIsACandidateForThatWordAtAnyLevel(String raw, String name) {
        assertThat(index.match(TitleCleaner.clean(raw), 5)).extracting(candidate -> candidate.title().name()).contains(name);
    }

    @Test
    void theTableOfCurrentTitlesAddsTitlesOfItsOwnInItsOrder() {
        Map<String, List<String>> table = new LinkedHashMap<>();
        CatalogLoader.read(CatalogLoader.CURRENT_TITLES, cells -> table.computeIfAbsent(cells[1], unused -> new ArrayList<>()).add(cells[0]));
        assertThat(table).hasSizeGreaterThan(50);
        Map<String, CatalogTitle> byName = new HashMap<>();
        titles.forEach(title -> byName.put(title.name(), title));
        table.forEach((name, codes) -> assertThat(byName.get(name)).as(name).isNotNull()
                .extracting(title -> title.occupations().stream().map(Occupation::code).toList()).isEqualTo(codes));
    }

    @Test
    void aCurrentTitleThatRespellsOneOnetListsIsRefused() {
        // "help-desk technician" is how O*NET's "Help Desk Tech (Help Desk Technician)" is also written
        assertThatThrownBy(() -> CatalogLoader.load(alternate -> true, "current_titles_respelling_onet.tsv"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("help-desk technician").hasMessageContaining("Help Desk Tech (Help Desk Technician)");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Sr. Product Owner - Remote | Product Owner | 15-1299",
            "Shift Lead - Nights | Shift Lead | 35-1012",
            "Head of Growth | Head of Growth | 11-2021",
            "Prompt Engineer | Prompt Engineer | 15-1252",
            "Rideshare Driver ($1,200 sign-on bonus) | Rideshare Driver | 53-3054" })
    void currentTitlesOnetDoesNotListAnswerAsThemselves(String raw, String name, String soc) {
        CatalogIndex.Candidate best = firstCandidate(raw);
        assertThat(best.title().name()).as("top-1 of '" + raw + "'").isEqualTo(name);
        assertThat(best.title().primary().soc().id()).isEqualTo(soc);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "C# Developer | 15-1252",
            ".NET Developer - Remote | 15-1252" })
    void aTechnologyTheJobWorksWithPointsToItsOccupation(String raw, String soc) {
        CatalogIndex.Candidate best = firstCandidate(raw);
        assertThat(best.title().primary().soc().id()).as("top-1 SOC of '" + raw + "', matched " + best.title().name()).isEqualTo(soc);
    }

    /** No title holds "Kubernetes": the occupations that work with it (O*NET's hot technologies) say which engineer is meant. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "Kubernetes Engineer | kubernetes",
            "Terraform Engineer | terraform",
            "Sr. Docker Engineer - Remote | docker" })
    void aTechnologyNoTitleNamesPointsToTheOccupationsWorkingWithIt(String raw, String technology) {
        CatalogIndex.Candidate best = firstCandidate(raw);
        assertThat(best.title().primary().description().toLowerCase()).as("what " + best.title().name() + " works with")
                .contains(technology);
        assertThat(best.title().primary().soc().id()).as("top-1 SOC of '" + raw + "', matched " + best.title().name()).startsWith("15-");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Frontend Engineer | Front End Engineer",
            "Sr. Backend Developer | Back End Developer",
            "Fullstack Developer - Remote | Full Stack Developer",
            "Registerd Nurse | Registered Nurse" })
    void twoWordsWrittenAsOneAreReadApartButATypoStaysATypo(String raw, String name) {
        assertThat(index.match(TitleCleaner.clean(raw), 1).get(0).title().name()).startsWith(name);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Head of Engineering | 11-9041 17-2199",
            "Head of Sales - Remote | 11-2022",
            "Head of Loss Prevention | 33-1099",
            "Head Chef | 35-1011" })
    void headOfAFieldDirectsIt(String raw, String socs) {
        CatalogIndex.Candidate best = firstCandidate(raw);
        assertThat(best.title().primary().soc().id()).as("top-1 SOC of '" + raw + "', matched " + best.title().name())
                .isIn((Object[]) socs.split(" "));
    }

    @Test
    void aLeadAfterTheJobsWordsIsItsLeader() {
        assertThat(TitleCleaner.clean("Team Lead - Nights")).isEqualTo(new RawTitle(List.of("team", "leader"), List.of("Lead"), List.of("nights")));
        assertThat(TitleCleaner.clean("Lead Line Cook").jobLevels()).as("a lead before them is a level").containsExactly("Lead");
        CatalogIndex.Candidate team = index.match(TitleCleaner.clean("Team Lead"), 1).get(0);
        assertThat(team.title().name()).isEqualTo("Team Leader");
        assertThat(index.match(TitleCleaner.clean("Project Lead"), 1).get(0).title().name()).isEqualTo("Project Leader");
    }

    /**
     * No title is the leader of a field ("Product Leader"): the lead of one is read as its manager too,
     * the surer answering; and a word titles hold is no typo of another ("Brand Lead" was the Band
     * Leader, "Warehouse Lead" a Warehouse Loader, both sure).
     */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "Product Lead | 11-2021",
            "Sr. Marketing Lead - Remote | 11-2021",
            "Engineering Lead | 11-9041",
            "Finance Lead | 11-3031",
            "Recruiting Lead | 11-3121",
            "Brand Lead | 11-2021",
            "Warehouse Lead | 11-3071",
            "Team Lead | 11-9199",
            "Crew Lead | 51-9199" })
    void aLeadOfAFieldIsItsManagerWhereNoTitleNamesItsLeader(String raw, String soc) {
        CatalogIndex.Candidate answer = index.match(TitleCleaner.readings(raw), 1, 0).get(0);
        assertThat(answer.title().primary().soc().id()).as("top-1 SOC of '" + raw + "', matched " + answer.title().name()).isEqualTo(soc);
        assertThat(answer.confidence()).isGreaterThanOrEqualTo(CatalogIndex.SURE);
        assertThat(TitleCleaner.readings(raw).get(0).jobLevels()).as("a lead still").contains("Lead");
    }

    @Test
    void aCapitalOrIsTheOperatingRoom() {
        CatalogIndex.Candidate nurse = index.match(TitleCleaner.clean("Nurse - Nights"), 1).get(0);
        assertThat(nurse.title().name()).as("a plain nurse").doesNotContain("OR", "Operating");
        assertThat(nurse.title().primary().soc().id()).isEqualTo("29-1141");
        assertThat(index.match(TitleCleaner.clean("OR Nurse"), 1).get(0).title().name()).startsWith("OR Nurse");
        assertThat(TitleCleaner.clean("OR Tech").words()).containsExactly("operating", "room", "technician");
        assertThat(TitleCleaner.clean("Cashier or Clerk").words()).containsExactly("cashier", "or", "clerk");
        assertThat(TitleCleaner.clean("CASHIER OR CLERK").words()).as("all in capitals: a word like the others")
                .containsExactly("cashier", "or", "clerk");
    }

    @Test
    void aLevelWordIsNeverTakenForATypo() {
        for (String raw : List.of("Staff", "Senior", "Lead")) {
            List<CatalogIndex.Candidate> found = index.match(TitleCleaner.clean(raw), 1);
            assertThat(found.isEmpty() || found.get(0).confidence() < 0.5)
                    .as("'" + raw + "' answered " + (found.isEmpty() ? "nothing" : found.get(0).title().name())).isTrue();
        }
    }

    @Test
    void noiseIsDropped() {
        assertThat(TitleCleaner.clean("Registered Nurse - Nights - $45/hr - Req #12345 - Houston, TX 77001 (Remote)").words())
                .containsExactly("registered", "nurse");
    }

    @Test
    void confidenceSeparatesRightFromWrong() {
        assertThat(index.match(TitleCleaner.clean("Registered Nurse"), 1).get(0).confidence()).isGreaterThanOrEqualTo(0.9);
        List<CatalogIndex.Candidate> nonsense = index.match(TitleCleaner.clean("zzxq wvvk"), 1);
        assertThat(nonsense.isEmpty() || nonsense.get(0).confidence() < 0.5).isTrue();
    }

    @Test
    void typeaheadFindsTitlesFromTheirFirstLetters() {
        assertThat(index.search("softw", 0, 10)).isNotEmpty()
                .allSatisfy(title -> assertThat(title.name().toLowerCase()).contains("softw"));
        assertThat(index.search("data sci", 0, 5)).extracting(CatalogTitle::name).contains("Data Scientist");
    }

    /** The catalog's first candidate for a raw title. */
    private static CatalogIndex.Candidate firstCandidate(String raw) {
        return index.match(TitleCleaner.clean(raw), 1).get(0);
    }
}
