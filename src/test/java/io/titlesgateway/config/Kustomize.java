package io.titlesgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

/** An overlay as {@code kubectl kustomize} renders it (kustomize itself, not a re-implementation), for the manifest tests. */
final class Kustomize {

    private static final YAMLMapper YAML = new YAMLMapper();

    private Kustomize() {
    }

    /** The objects {@code kubectl kustomize dir} renders; the test is skipped where kubectl is not installed. */
    static List<JsonNode> render(Path dir) throws Exception {
        Process kubectl;
        try {
            kubectl = new ProcessBuilder("kubectl", "kustomize", dir.toString()).redirectErrorStream(true).start();
        } catch (IOException notInstalled) {
            Assumptions.abort("kubectl is not installed here: " + notInstalled.getMessage());
            throw notInstalled;
        }
        String output = new String(kubectl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(kubectl.waitFor(60, TimeUnit.SECONDS)).as("kubectl finished").isTrue();
        assertThat(kubectl.exitValue()).as("kubectl kustomize %s: %s", dir, output).isZero();
        List<JsonNode> objects = new ArrayList<>();
        try (var documents = YAML.readerFor(JsonNode.class).<JsonNode>readValues(output)) {
            documents.forEachRemaining(object -> {
                if (object != null && !object.isEmpty()) {
                    objects.add(object);
                }
            });
        }
        return objects;
    }

    /** The one rendered object of that kind and name. */
    static JsonNode only(List<JsonNode> objects, String kind, String name) {
        List<JsonNode> found = objects.stream().filter(object -> kind.equals(object.path("kind").asText())
                && name.equals(object.path("metadata").path("name").asText())).toList();
        assertThat(found).as("%s %s rendered", kind, name).hasSize(1);
        return found.get(0);
    }
}
