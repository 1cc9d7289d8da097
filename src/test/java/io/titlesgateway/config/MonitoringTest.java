package io.titlesgateway.config;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.titlesgateway.emulator.LightcastEmulatorResource;
import io.titlesgateway.support.EveryPartAtWork;
import io.titlesgateway.support.GatewayTokens;
import io.titlesgateway.support.RedisAvailable;

/**
 * The monitoring shipped in {@code kubernetes/monitoring/}, rendered by kubectl into an overlay: it
 * scrapes the pods the overlays make, its alerts and dashboard queries are PromQL that parses, each
 * alert has its runbook entry, and every metric they name is one a running gateway exports after a
 * short workload, so a renamed metric breaks the build, not the dashboard.
 */
@QuarkusTest
@TestProfile(EveryPartAtWork.class)
@WithTestResource(LightcastEmulatorResource.class)
class MonitoringTest {

    /** Series Prometheus makes itself, or that come from elsewhere in a cluster. */
    private static final Set<String> NOT_THE_GATEWAYS = Set.of("up");

    @Test
    void everyMetricTheAlertsAndTheDashboardNameIsExported() throws Exception {
        RedisAvailable.orSkip();
        workload();
        Set<String> exported = exportedSeries();
        Set<String> named = new TreeSet<>();
        expressions(rendered()).values().forEach(expression -> named.addAll(PromQl.metricsOf(expression)));

        assertThat(named).as("metrics the monitoring names").hasSizeGreaterThan(10);
        assertThat(named.stream().filter(name -> !NOT_THE_GATEWAYS.contains(name) && !exported.contains(name)).toList())
                .as("named by an alert or a panel, but not exported by the gateway").isEmpty();
    }

    @Test
    void theRulesAndPanelsAreValidAndEachAlertHasItsRunbook() throws Exception {
        List<JsonNode> objects = rendered();
        JsonNode rule = only(objects, "PrometheusRule");
        String runbook = Files.readString(Path.of("docs/operations.md"));
        for (JsonNode alert : rule.path("spec").path("groups").get(0).path("rules")) {
            String name = alert.path("alert").asText();
            assertThat(alert.path("labels").path("severity").asText()).as(name).isIn("warning", "critical");
            assertThat(alert.path("annotations").path("summary").asText()).as(name).isNotBlank();
            String anchor = name.toLowerCase(java.util.Locale.ROOT);
            assertThat(alert.path("annotations").path("runbook_url").asText()).as(name).isEqualTo("docs/operations.md#" + anchor);
            assertThat(runbook).as("the runbook entry of %s", name).containsPattern("(?m)^#### " + Pattern.quote(name) + "$");
        }
        expressions(objects).forEach((where, expression) -> assertThat(PromQl.metricsOf(expression)).as(where).isNotEmpty());

        JsonNode monitor = only(objects, "PodMonitor");
        JsonNode deployment = only(objects, "Deployment");
        monitor.path("spec").path("selector").path("matchLabels").fields().forEachRemaining(label -> assertThat(
                deployment.path("spec").path("template").path("metadata").path("labels").path(label.getKey()).asText())
                .as("the pods carry the label the PodMonitor selects").isEqualTo(label.getValue().asText()));
        List<String> ports = new ArrayList<>();
        monitor.path("spec").path("podMetricsEndpoints").forEach(endpoint -> {
            assertThat(endpoint.path("path").asText()).isEqualTo("/q/metrics");
            ports.add(endpoint.path("port").asText());
        });
        assertThat(ports).as("the Deployment's port and Knative's").containsExactlyInAnyOrder("http", "http1");
        JsonNode dashboard = Kustomize.only(objects, "ConfigMap", "titles-gateway-dashboard");
        assertThat(dashboard.path("metadata").path("labels").path("grafana_dashboard").asText()).isEqualTo("1");
    }

    @Test
    void theCheckRefusesWhatPrometheusWouldRefuse() {
        assertThat(PromQl.metricsOf("histogram_quantile(0.99, sum by (le) (rate(a_bucket{uri=~\"/t.*\"}[5m]))) > 2"))
                .containsExactly("a_bucket");
        for (String broken : List.of("sum(rate(a[5m])", "rate(a[5m]))", "sum by (rate(a[5m]))", "ratez(a[5m])",
                "a{b=c}", "a > ", "[5m]", "a{b=\"c\"", "sum(a) by", "a }")) {
            assertThatThrownBy(() -> PromQl.metricsOf(broken)).as(broken).isInstanceOf(IllegalArgumentException.class);
        }
    }

    /** Normalize misses in bulk calls, a search, a stream, all as an authenticated caller. */
    private static void workload() {
        String bearer = GatewayTokens.bearer(EveryPartAtWork.CALLER, EveryPartAtWork.SECRET);
        // one after the other: what counts here is that the metrics exist (TracesTest and BatchingTest gather concurrent misses)
        for (String term : List.of("cashier", "truck driver", "registered nurse", "senior data scientist")) {
            given().header("Authorization", bearer).contentType("application/json").body("{\"term\":\"" + term + "\"}")
                    .post("/titles/versions/5.47/normalize").then().statusCode(200);
        }
        given().header("Authorization", bearer).get("/titles/versions/5.47/titles?q=nurse&limit=3").then().statusCode(200);
        int round = java.util.concurrent.ThreadLocalRandom.current().nextInt(1_000_000); // new to Redis too, whatever ran before
        given().header("Authorization", bearer).contentType("text/plain").body("cashier " + round + "\nwelder " + round + "\n")
                .post("/titles/versions/5.47/normalize/stream").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(200);
    }

    /** The names of the series /q/metrics exports (a histogram's _bucket, _count and _sum each). */
    private static Set<String> exportedSeries() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return metrics.lines().filter(line -> !line.startsWith("#") && !line.isBlank())
                .map(line -> line.split("[{ ]", 2)[0])
                .collect(Collectors.toSet());
    }

    /** Every PromQL expression of the rendered rules and dashboard, by where it is. */
    private static Map<String, String> expressions(List<JsonNode> objects) throws Exception {
        Map<String, String> expressions = new LinkedHashMap<>();
        for (JsonNode alert : only(objects, "PrometheusRule").path("spec").path("groups").get(0).path("rules")) {
            expressions.put("alert " + alert.path("alert").asText(), alert.path("expr").asText());
        }
        JsonNode dashboard = new ObjectMapper().readTree(
                Kustomize.only(objects, "ConfigMap", "titles-gateway-dashboard").path("data").path("titles-gateway.json").asText());
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                expressions.put("panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                        target.path("expr").asText());
            }
        }
        assertThat(expressions).hasSizeGreaterThan(15);
        return expressions;
    }

    /** The Deployment overlay with the monitoring component, as kubectl renders it. */
    private static List<JsonNode> rendered() throws Exception {
        Path overlay = Files.createDirectories(Path.of("target/monitored-overlay"));
        Files.writeString(overlay.resolve("kustomization.yaml"), """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                resources:
                  - ../../kubernetes/deployment
                components:
                  - ../../kubernetes/monitoring
                """);
        return Kustomize.render(overlay);
    }

    private static JsonNode only(List<JsonNode> objects, String kind) {
        return objects.stream().filter(object -> object.path("kind").asText().equals(kind)).reduce((a, b) -> {
            throw new AssertionError("more than one " + kind);
        }).orElseThrow(() -> new AssertionError("no " + kind));
    }
}
