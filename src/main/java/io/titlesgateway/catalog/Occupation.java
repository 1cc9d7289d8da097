package io.titlesgateway.catalog;

import java.util.List;

import io.titlesgateway.titles.Reference;

/**
 * An O*NET occupation.
 *
 * @param code its O*NET-SOC code
 * @param title its title
 * @param soc the SOC 2018 detailed occupation it sits in
 * @param skills its technologies and core skills
 * @param description what it does, in O*NET's words and the SOC definition's, and the names of its hot technologies
 */
record Occupation(String code, String title, Reference soc, List<Reference> skills, String description) {

    String infoUrl() {
        return "https://www.onetonline.org/link/summary/" + code;
    }
}
