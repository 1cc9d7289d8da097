package io.titlesgateway.config;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import java.beans.Introspector;
import java.beans.PropertyDescriptor;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.fabric8.knative.serving.v1.Service;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.config.SmallRyeConfig;

/**
 * Every manifest in {@code kubernetes/} read into the typed Kubernetes and Knative models, with no
 * field the models do not know; and what the manifests say of the app checked against the app:
 * probe paths it serves, its port, settings it reads, and the rule that replicas never add up to
 * more than Lightcast's 5 requests/s.
 */
@QuarkusTest
class ManifestsTest {

    private static final Path DIR = Path.of("kubernetes");
    private static final YAMLMapper YAML = YAMLMapper.builder().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();
    /** Lightcast's requests per second per client. */
    private static final int LIGHTCAST_LIMIT = 5;
    /** Variables the container image reads, not the app. */
    private static final Set<String> IMAGE_VARIABLES = Set.of("JAVA_OPTS");

    @Inject
    SmallRyeConfig config;

    private static <T extends KubernetesResource> T read(String file, Class<T> type) throws IOException {
        T resource = YAML.readValue(DIR.resolve(file).toFile(), type);
        List<String> unknown = new ArrayList<>();
        unknownFields(resource, type.getSimpleName(), unknown);
        assertThat(unknown).as("fields %s does not know in %s", type.getSimpleName(), file).isEmpty();
        return resource;
    }

    /** Walks a model object: the models keep a field they do not know in additionalProperties rather than failing. */
    private static void unknownFields(Object node, String path, List<String> unknown) {
        if (node instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (node instanceof Map<?, ?> entries) {
            entries.forEach((key, value) -> unknownFields(value, path + "." + key, unknown));
            return;
        }
        if (!(node instanceof KubernetesResource)) {
            return;
        }
        try {
            for (PropertyDescriptor property : Introspector.getBeanInfo(node.getClass()).getPropertyDescriptors()) {
                Method getter = property.getReadMethod();
                if (getter == null || getter.getParameterCount() > 0 || property.getName().equals("class")) {
                    continue;
                }
                Object value = getter.invoke(node);
                if (property.getName().equals("additionalProperties")) {
                    ((Map<?, ?>) value).keySet().forEach(key -> unknown.add(path + "." + key));
                } else {
                    unknownFields(value, path + "." + property.getName(), unknown);
                }
            }
        } catch (ReflectiveOperationException | java.beans.IntrospectionException unreadable) {
            throw new IllegalStateException(unreadable);
        }
    }

    /** The properties a {@code @ConfigMapping} interface declares, optional ones included, as SmallRye names them. */
    private static void mappedNames(String prefix, Class<?> mapping, Set<String> names) {
        for (Method method : mapping.getDeclaredMethods()) {
            if (method.isDefault() || method.getParameterCount() > 0 || java.lang.reflect.Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            String name = prefix + "." + method.getName().replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
            if (method.getReturnType().isInterface() && method.getReturnType().getEnclosingClass() == mapping) {
                mappedNames(name, method.getReturnType(), names);
            } else {
                names.add(name);
            }
        }
    }

    /** The port the app listens on outside tests, as {@code application.properties} sets it. */
    private int appPort() {
        for (var source : config.getConfigSources()) {
            if (source.getName().contains("application.properties") && source.getValue("quarkus.http.port") != null) {
                return Integer.parseInt(source.getValue("quarkus.http.port"));
            }
        }
        throw new AssertionError("application.properties sets no quarkus.http.port");
    }

    @Test
    void everyManifestIsAKnownKindWithOnlyKnownFields() throws IOException {
        List<Path> manifests;
        try (Stream<Path> files = Files.walk(DIR)) {
            manifests = files.filter(file -> file.toString().endsWith(".yaml")).sorted().toList();
        }
        Set<String> checked = new HashSet<>();
        for (Path manifest : manifests) {
            String file = DIR.relativize(manifest).toString();
            JsonNode tree = YAML.readTree(manifest.toFile());
            String kind = tree.path("apiVersion").asText() + " " + tree.path("kind").asText();
            switch (kind) {
                case "apps/v1 Deployment" -> read(file, Deployment.class);
                case "v1 Service" -> read(file, io.fabric8.kubernetes.api.model.Service.class);
                case "v1 ConfigMap" -> read(file, ConfigMap.class);
                case "v1 Secret" -> read(file, Secret.class);
                case "serving.knative.dev/v1 Service" -> read(file, Service.class);
                // the Prometheus Operator's kinds: checked rendered, against the running app, by MonitoringTest
                case "monitoring.coreos.com/v1 PodMonitor", "monitoring.coreos.com/v1 PrometheusRule" ->
                        assertThat(tree.path("spec").isObject()).as(file).isTrue();
                case "kustomize.config.k8s.io/v1beta1 Kustomization", "kustomize.config.k8s.io/v1alpha1 Component" -> {
                    for (String list : List.of("resources", "components")) {
                        tree.path(list).forEach(resource -> assertThat(manifest.getParent().resolve(resource.asText()))
                                .as("%s lists %s", file, resource.asText()).exists());
                    }
                    tree.path("patches").forEach(patch -> assertThat(manifest.getParent().resolve(patch.path("path").asText()))
                            .as("%s patches with %s", file, patch.path("path").asText()).exists());
                }
                default -> throw new AssertionError(file + " holds an unexpected kind: " + kind);
            }
            checked.add(kind);
        }
        assertThat(checked).contains("apps/v1 Deployment", "v1 Service", "v1 ConfigMap", "v1 Secret",
                "serving.knative.dev/v1 Service", "kustomize.config.k8s.io/v1beta1 Kustomization",
                "kustomize.config.k8s.io/v1alpha1 Component");
    }

    @Test
    void probesAskPathsTheAppServesOnItsOwnPort() throws IOException {
        int appPort = appPort();
        List<Container> containers = List.of(
                read("deployment/deployment.yaml", Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0),
                read("knative/service.yaml", Service.class).getSpec().getTemplate().getSpec().getContainers().get(0));
        for (Container container : containers) {
            assertThat(container.getPorts()).singleElement().satisfies(port -> assertThat(port.getContainerPort()).isEqualTo(appPort));
            List<Probe> probes = Stream.of(container.getLivenessProbe(), container.getReadinessProbe(), container.getStartupProbe())
                    .filter(probe -> probe != null).toList();
            assertThat(probes).hasSizeGreaterThanOrEqualTo(2);
            for (Probe probe : probes) {
                HTTPGetAction get = probe.getHttpGet();
                assertThat(get.getPort().getIntVal()).isEqualTo(appPort);
                assertThat(get.getPath()).startsWith("/q/health/");
                // served: UP or DOWN, never "no such page"
                assertThat(given().get(get.getPath()).statusCode()).as(get.getPath()).isIn(200, 503);
            }
            assertThat(container.getLivenessProbe().getHttpGet().getPath()).isEqualTo("/q/health/live");
            assertThat(container.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/q/health/ready");
            assertThat(container.getSecurityContext().getAllowPrivilegeEscalation()).isFalse();
            assertThat(container.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(container.getResources().getRequests()).containsKeys("cpu", "memory");
            assertThat(container.getResources().getLimits()).containsKeys("memory");
        }
        var service = read("deployment/service.yaml", io.fabric8.kubernetes.api.model.Service.class);
        assertThat(service.getSpec().getPorts().get(0).getTargetPort().getStrVal()).isEqualTo("http");
        var pod = read("deployment/deployment.yaml", Deployment.class).getSpec().getTemplate().getSpec();
        assertThat(pod.getSecurityContext().getRunAsNonRoot()).isTrue();
        assertThat(pod.getTerminationGracePeriodSeconds())
                .as("longer than quarkus.shutdown.timeout")
                .isGreaterThan(config.getValue("quarkus.shutdown.timeout", java.time.Duration.class).toSeconds());
    }

    @Test
    void everySettingTheManifestsSetIsOneTheAppReads() throws IOException {
        Set<String> names = new HashSet<>();
        config.getPropertyNames().forEach(names::add);
        mappedNames("lightcast", LightcastConfig.class, names);
        mappedNames("titles", TitlesConfig.class, names);
        Set<String> readByTheApp = new HashSet<>();
        names.forEach(name -> readByTheApp.add(name.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT)));
        List<String> set = new ArrayList<>(read("base/configmap.yaml", ConfigMap.class).getData().keySet());
        set.addAll(read("redis/configmap-patch.yaml", ConfigMap.class).getData().keySet());
        set.addAll(read("secret.example.yaml", Secret.class).getStringData().keySet());
        for (Container container : List.of(
                read("deployment/deployment.yaml", Deployment.class).getSpec().getTemplate().getSpec().getContainers().get(0),
                read("knative/service.yaml", Service.class).getSpec().getTemplate().getSpec().getContainers().get(0))) {
            container.getEnv().stream().map(EnvVar::getName).forEach(set::add);
        }
        assertThat(set).isNotEmpty();
        assertThat(set).allSatisfy(variable -> assertThat(readByTheApp.contains(variable) || IMAGE_VARIABLES.contains(variable))
                .as("%s is a setting the app reads", variable).isTrue());
    }

    @Test
    void replicasTimesTheirRateNeverExceedLightcastsLimit() throws IOException {
        Map<String, String> settings = read("base/configmap.yaml", ConfigMap.class).getData();
        int rate = Integer.parseInt(settings.get("LIGHTCAST_RATE_LIMIT"));
        int maxReplicas = Integer.parseInt(settings.get("TITLES_MAX_REPLICAS"));
        Deployment deployment = read("deployment/deployment.yaml", Deployment.class);
        int replicas = deployment.getSpec().getReplicas();
        int surge = deployment.getSpec().getStrategy().getRollingUpdate().getMaxSurge().getIntVal();
        int maxScale = Integer.parseInt(replaced("knative", KNATIVE_MAX_SCALE));

        assertThat((replicas + surge) * rate).as("Deployment: (replicas + max surge) x rate").isLessThanOrEqualTo(LIGHTCAST_LIMIT);
        assertThat(maxScale * rate).as("Knative: max-scale x rate").isLessThanOrEqualTo(LIGHTCAST_LIMIT);
        assertThat(List.of(replicas + surge, maxScale)).as("TITLES_MAX_REPLICAS is the most pods either form runs")
                .containsOnly(maxReplicas);

        // sharing Redis: the whole limit is shared, and a pod Redis does not answer takes rate / TITLES_MAX_REPLICAS
        int sharedRate = Integer.parseInt(read("redis/configmap-patch.yaml", ConfigMap.class).getData().get("LIGHTCAST_RATE_LIMIT"));
        assertThat(sharedRate).as("shared rate").isLessThanOrEqualTo(LIGHTCAST_LIMIT);
        assertThat(maxReplicas).as("pods, each alone at a whole share of at least 1/s").isLessThanOrEqualTo(sharedRate);
        assertThat(maxReplicas * (sharedRate / maxReplicas)).as("pods alone, together").isLessThanOrEqualTo(LIGHTCAST_LIMIT);
    }

    @Test
    void knativeMaxScaleIsTheConfigMapsMaxReplicas() throws IOException {
        String written = read("knative/service.yaml", Service.class).getSpec().getTemplate().getMetadata().getAnnotations()
                .get("autoscaling.knative.dev/max-scale");
        assertThat(written).as("the value written in service.yaml, which kustomize replaces").isNotBlank();
        assertThat(replaced("knative", KNATIVE_MAX_SCALE))
                .isEqualTo(read("base/configmap.yaml", ConfigMap.class).getData().get("TITLES_MAX_REPLICAS"));
    }

    private static final String KNATIVE_MAX_SCALE = "spec.template.metadata.annotations.[autoscaling.knative.dev/max-scale]";

    /**
     * Each overlay as kubectl renders it (its kustomize, not a re-implementation): it builds, the
     * gateway's container runs the image the image component names, Knative's max-scale is the
     * ConfigMap's TITLES_MAX_REPLICAS once replaced, and the shared overlays bring their Redis and
     * point the gateway at it.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = { "deployment", "knative", "deployment-shared", "knative-shared" })
    void everyOverlayRendersWithKubectl(String overlay) throws Exception {
        List<JsonNode> objects = Kustomize.render(DIR.resolve(overlay));
        JsonNode image = YAML.readTree(DIR.resolve("image/kustomization.yaml").toFile()).path("images").get(0);
        String expectedImage = image.path("newName").asText() + ":" + image.path("newTag").asText();
        JsonNode configMap = Kustomize.only(objects, "ConfigMap", "titles-gateway");
        JsonNode gateway = overlay.startsWith("knative") ? Kustomize.only(objects, "Service", "titles-gateway") : Kustomize.only(objects, "Deployment", "titles-gateway");

        JsonNode podSpec = gateway.path("spec").path("template").path("spec");
        assertThat(podSpec.path("containers").get(0).path("image").asText()).as("the gateway's image").isEqualTo(expectedImage);
        if (overlay.startsWith("knative")) {
            JsonNode annotations = gateway.path("spec").path("template").path("metadata").path("annotations");
            assertThat(annotations.path("autoscaling.knative.dev/max-scale").asText()).as("max-scale")
                    .isEqualTo(configMap.path("data").path("TITLES_MAX_REPLICAS").asText());
            // scale from zero, one pod to begin with, kept a while after the last request (kubernetes/README.md)
            assertThat(annotations.path("autoscaling.knative.dev/min-scale").asText()).isEqualTo("0");
            assertThat(annotations.path("autoscaling.knative.dev/initial-scale").asText()).isEqualTo("1");
            assertThat(annotations.path("autoscaling.knative.dev/scale-down-delay").asText()).isNotBlank();
            assertThat(podSpec.path("containerConcurrency").asInt(-1)).as("no hard limit: the gateway bounds itself").isZero();
        }
        boolean shared = overlay.endsWith("-shared");
        assertThat(configMap.path("data").has("TITLES_REDIS_URL")).as("the ConfigMap points at a Redis").isEqualTo(shared);
        assertThat(objects.stream().anyMatch(object -> object.path("metadata").path("name").asText().contains("redis")))
                .as("a Redis comes with the overlay").isEqualTo(shared);
    }

    /**
     * The value kustomize writes at {@code targetPath} when it builds {@code kustomizationDir}: the
     * source of the replacement aimed there, read from the resource it names among those the
     * kustomization lists; the target field must exist, as kustomize requires without create.
     */
    private static String replaced(String kustomizationDir, String targetPath) throws IOException {
        Path dir = DIR.resolve(kustomizationDir);
        JsonNode kustomization = YAML.readTree(dir.resolve("kustomization.yaml").toFile());
        List<JsonNode> resources = resourcesOf(dir);
        for (JsonNode replacement : kustomization.path("replacements")) {
            for (JsonNode target : replacement.path("targets")) {
                boolean aimsThere = false;
                for (JsonNode path : target.path("fieldPaths")) {
                    aimsThere |= path.asText().equals(targetPath);
                }
                if (!aimsThere) {
                    continue;
                }
                JsonNode selected = selected(resources, target.path("select"));
                assertThat(field(selected, targetPath)).as("%s in the selected %s", targetPath, target.path("select")).isNotNull();
                JsonNode source = replacement.path("source");
                JsonNode value = field(selected(resources, source), source.path("fieldPath").asText());
                assertThat(value).as("the replacement's source %s", source).isNotNull();
                return value.asText();
            }
        }
        throw new AssertionError(kustomizationDir + "/kustomization.yaml has no replacement aimed at " + targetPath);
    }

    /** Every resource a kustomization builds from, following the directories it lists. */
    private static List<JsonNode> resourcesOf(Path dir) throws IOException {
        List<JsonNode> resources = new ArrayList<>();
        for (JsonNode entry : YAML.readTree(dir.resolve("kustomization.yaml").toFile()).path("resources")) {
            Path resource = dir.resolve(entry.asText()).normalize();
            if (Files.isDirectory(resource)) {
                resources.addAll(resourcesOf(resource));
            } else {
                resources.add(YAML.readTree(resource.toFile()));
            }
        }
        return resources;
    }

    /** The one resource a kustomize selector (group, kind, name) picks. */
    private static JsonNode selected(List<JsonNode> resources, JsonNode selector) {
        List<JsonNode> picked = resources.stream()
                .filter(resource -> !selector.has("kind") || resource.path("kind").asText().equals(selector.path("kind").asText()))
                .filter(resource -> !selector.has("name") || resource.path("metadata").path("name").asText().equals(selector.path("name").asText()))
                .filter(resource -> !selector.has("group") || resource.path("apiVersion").asText().startsWith(selector.path("group").asText() + "/"))
                .toList();
        assertThat(picked).as("resources %s selects", selector).hasSize(1);
        return picked.get(0);
    }

    /** A field by a kustomize field path: dot-separated, a [bracketed] segment being one key that may hold dots. */
    private static JsonNode field(JsonNode node, String path) {
        java.util.regex.Matcher segments = java.util.regex.Pattern.compile("\\[([^\\]]+)\\]|([^.\\[]+)").matcher(path);
        JsonNode current = node;
        while (segments.find() && current != null) {
            current = current.get(segments.group(1) != null ? segments.group(1) : segments.group(2));
        }
        return current;
    }
}
