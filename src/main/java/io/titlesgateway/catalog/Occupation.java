package io.titlesgateway.catalog;

import java.util.List;

import io.titlesgateway.titles.Reference;

/** An O*NET occupation: its code, its title, the SOC 2018 detailed occupation it sits in, its skills. */
record Occupation(String code, String title, Reference soc, List<Reference> skills) {

    String infoUrl() {
        return "https://www.onetonline.org/link/summary/" + code;
    }
}
