package io.titlesgateway.catalog;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.titlesgateway.titles.Reference;
import io.titlesgateway.titles.Title;
import io.titlesgateway.titles.TitleMapping;

/**
 * One title of the catalog: a distinct occupation or alternate title, with the occupations it names
 * (most strongly attested first) and the short forms O*NET lists for it. {@code canonical} when it
 * is an occupation's own title.
 */
record CatalogTitle(String id, String name, List<String> shortNames, List<Occupation> occupations, boolean supervisor,
        boolean canonical) {

    Occupation primary() {
        return occupations.get(0);
    }

    Title toTitle(String version) {
        Set<String> names = new LinkedHashSet<>();
        Set<Reference> socs = new LinkedHashSet<>();
        Set<Reference> skills = new LinkedHashSet<>();
        for (Occupation occupation : occupations) {
            names.add(occupation.title());
            socs.add(occupation.soc());
            skills.addAll(occupation.skills());
        }
        TitleMapping mapping = new TitleMapping(List.copyOf(names), List.copyOf(skills), List.copyOf(socs));
        return new Title(id, name, PluralNames.of(name), supervisor, null, primary().infoUrl(), mapping, null, version);
    }
}
