package io.titlesgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * The README is the front door and the rest is in {@code docs/}: the README stays short, and every
 * link between the project's documents leads to a file that exists and a heading that is there.
 */
class DocumentationTest {

    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} (.+)$", Pattern.MULTILINE);
    private static final Pattern FENCE = Pattern.compile("```.*?```", Pattern.DOTALL);

    @Test
    void theReadmeIsAFrontDoorOfAtMostTwelveKilobytes() throws IOException {
        String readme = Files.readString(Path.of("README.md"));
        assertThat(readme.getBytes(java.nio.charset.StandardCharsets.UTF_8).length).isLessThanOrEqualTo(12 * 1024);
        assertThat(readme).as("the two quick-start commands").contains("./mvnw quarkus:dev", "./mvnw verify");
        for (String document : List.of("api", "upstream", "replicas", "security", "catalog", "operations", "configuration",
                "deployment", "testing", "benchmarks")) {
            assertThat(readme).as("the README points at docs/%s.md", document).contains("](docs/" + document + ".md)");
        }
    }

    @Test
    void everyLinkBetweenTheDocumentsResolves() throws IOException {
        List<String> broken = new ArrayList<>();
        for (Path document : documents()) {
            String text = FENCE.matcher(Files.readString(document)).replaceAll("");
            Matcher link = LINK.matcher(text);
            while (link.find()) {
                String target = link.group(1);
                if (target.startsWith("http://") || target.startsWith("https://") || target.startsWith("mailto:")) {
                    continue;
                }
                String problem = problemWith(document, target);
                if (problem != null) {
                    broken.add(document + ": " + target + " (" + problem + ")");
                }
            }
        }
        assertThat(broken).as("links that lead nowhere").isEmpty();
    }

    @Test
    void aLinkToAMissingHeadingIsCaught() throws IOException {
        assertThat(problemWith(Path.of("README.md"), "docs/security.md#no-such-heading")).isEqualTo("no such heading");
        assertThat(problemWith(Path.of("README.md"), "docs/no-such-file.md")).isEqualTo("no such file");
        assertThat(problemWith(Path.of("README.md"), "docs/security.md#security")).isNull();
    }

    private static List<Path> documents() throws IOException {
        List<Path> documents = new ArrayList<>(List.of(Path.of("README.md"), Path.of("kubernetes/README.md"), Path.of("bench/README.md")));
        try (Stream<Path> docs = Files.list(Path.of("docs"))) {
            docs.filter(path -> path.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        return documents;
    }

    /** What is wrong with a link from {@code document}, or {@code null} if it leads somewhere real. */
    private static String problemWith(Path document, String target) throws IOException {
        int hash = target.indexOf('#');
        String file = hash < 0 ? target : target.substring(0, hash);
        Path resolved = file.isEmpty() ? document : document.toAbsolutePath().getParent().resolve(file).normalize();
        if (!Files.exists(resolved)) {
            return "no such file";
        }
        if (hash < 0 || !resolved.toString().endsWith(".md")) {
            return null;
        }
        return headings(resolved).contains(target.substring(hash + 1)) ? null : "no such heading";
    }

    /** The anchors a Markdown renderer gives the headings of a document, as GitHub makes them. */
    private static Set<String> headings(Path document) throws IOException {
        String text = FENCE.matcher(Files.readString(document)).replaceAll("");
        return HEADING.matcher(text).results()
                .map(heading -> heading.group(1).strip().toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N}_\\- ]", "")
                        .replace(' ', '-'))
                .collect(Collectors.toSet());
    }
}
