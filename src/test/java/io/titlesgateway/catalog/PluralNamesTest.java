package io.titlesgateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The catalog's pluralName on real O*NET titles: the head noun made plural, the rest kept, plurals left alone. */
class PluralNamesTest {

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource(delimiter = '|', value = {
            "Registered Nurse | Registered Nurses",
            "Chief of Police | Chiefs of Police",
            "Sales Associate | Sales Associates",
            "Director of Nursing | Directors of Nursing",
            "Vice President of Sales | Vice Presidents of Sales",
            "Back of House Team Member (BOH Team Member) | Back of House Team Members (BOH Team Members)",
            "Certified Public Accountant (CPA) | Certified Public Accountants (CPAs)",
            "ACO (Animal Control Officer) | ACOs (Animal Control Officers)",
            "Lab Assistant (Laboratory Assistant) | Lab Assistants (Laboratory Assistants)",
            "Beam Carrier, Hauler, Pusher | Beam Carriers, Haulers, Pushers",
            "Nurse, Registered | Nurses, Registered",
            "Retail Salesperson | Retail Salespersons",
            "Medicine Man | Medicine Men",
            "Foreman | Foremen",
            "Attorney | Attorneys",
            "Legal Secretary | Legal Secretaries",
            "Waiter/Waitress | Waiters/Waitresses",
            "Automatic Coin Machine Mechanic | Automatic Coin Machine Mechanics",
            "Pre-Op RN (Preoperative Registered Nurse) | Pre-Op RNs (Preoperative Registered Nurses)",
            "Teacher for the Deaf | Teachers for the Deaf",
            "Light Air Defense Artillery Crewmember | Light Air Defense Artillery Crewmembers",
            "Fast Food Server | Fast Food Servers",
            "Nursing Staff | Nursing Staff",
            "Data Entry Keyers | Data Entry Keyers",
            "Auto Mechanics | Auto Mechanics",
            "Actress | Actresses",
            "Chef | Chefs",
            "Legislative Liaison | Legislative Liaisons",
            "Boss | Bosses",
            "Justice of the Peace | Justices of the Peace" })
    void theHeadNounIsMadePlural(String title, String plural) {
        assertThat(PluralNames.of(title)).isEqualTo(plural);
    }
}
