package io.titlesgateway.titles;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** The occupations and skills a title is mapped to: the union over all of its mappings. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record TitleMapping(List<String> names, List<Reference> skills, List<Reference> socs) {
}
