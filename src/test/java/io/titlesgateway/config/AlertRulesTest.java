package io.titlesgateway.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * Each alert of {@code kubernetes/monitoring/prometheusrule.yaml}, unit-tested with
 * {@code promtool test rules} (Debian's {@code prometheus} package) on the series it names: quiet
 * while they look healthy, firing (with its labels and annotations) once they have looked wrong
 * for longer than its {@code for}. Each series is healthy for its first 10 minutes, then not.
 */
class AlertRulesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String QUIET_AT = "5m";
    private static final String FIRING_AT = "40m";

    /** An input series: its selector, and its values one a minute (promtool's expanding notation). */
    private record Series(String series, String values) {
    }

    /** The series each alert names, healthy for 10 minutes and then not. */
    private static final Map<String, List<Series>> CASES = Map.of(
            "TitlesGatewayBudgetSaturated", List.of(new Series("titles_budget_queue{pod=\"a\"}", "0x10 3x50")),
            "TitlesGatewayCallersRefused", List.of(new Series("titles_budget_waits_total{outcome=\"refused\",pod=\"a\"}", "0x10 60+60x50")),
            "TitlesGatewayUpstream429", List.of(
                    new Series("titles_upstream_calls_total{endpoint=\"/normalize\",outcome=\"429\",pod=\"a\"}", "0x10 1+1x50")),
            // 3 % of the calls a 503 and 3 % answers that could not be read: it fires only if it counts both
            "TitlesGatewayUpstreamErrors", List.of(
                    new Series("titles_upstream_calls_total{endpoint=\"/meta\",outcome=\"200\",pod=\"a\"}", "0+60x60"),
                    new Series("titles_upstream_calls_total{endpoint=\"/meta\",outcome=\"503\",pod=\"a\"}", "0x10 2+2x50"),
                    new Series("titles_upstream_calls_total{endpoint=\"/meta\",outcome=\"unreadable\",pod=\"a\"}", "0x10 2+2x50")),
            "TitlesGatewayQuotaLow", List.of(new Series("titles_upstream_quota_remaining{pod=\"a\"}", "100x10 5x50")),
            "TitlesGatewayBreakerOpen", List.of(new Series("titles_upstream_breaker_open{pod=\"a\"}", "0x10 1x50")),
            "TitlesGatewayRedisDegraded", List.of(
                    new Series("titles_cache_shared_total{cache=\"lightcast-normalize\",outcome=\"error\",pod=\"a\"}", "0x10 1+1x50")),
            "TitlesGatewayNotReady", List.of(new Series("titles_backend_ready{pod=\"a\"}", "1x10 0x50")),
            "TitlesGatewaySlowAnswers", List.of(
                    // 60 answers a minute, all within 0.5 s for 10 minutes, then all between 0.5 and 5 s
                    new Series("http_server_requests_seconds_bucket{uri=\"/titles/versions/{version}/normalize\",le=\"0.5\",pod=\"a\"}",
                            "0+60x10 600x50"),
                    new Series("http_server_requests_seconds_bucket{uri=\"/titles/versions/{version}/normalize\",le=\"5\",pod=\"a\"}",
                            "0+60x60"),
                    new Series("http_server_requests_seconds_bucket{uri=\"/titles/versions/{version}/normalize\",le=\"+Inf\",pod=\"a\"}",
                            "0+60x60")));

    @TempDir
    Path work;

    private static JsonNode rules() throws IOException {
        return YAML.readTree(Path.of("kubernetes/monitoring/prometheusrule.yaml").toFile()).path("spec");
    }

    private static List<JsonNode> alerts(JsonNode rules) {
        List<JsonNode> alerts = new ArrayList<>();
        rules.path("groups").forEach(group -> group.path("rules").forEach(rule -> {
            if (rule.has("alert")) {
                alerts.add(rule);
            }
        }));
        return alerts;
    }

    @Test
    void everyAlertHasItsCase() throws IOException {
        TreeSet<String> named = new TreeSet<>();
        alerts(rules()).forEach(alert -> named.add(alert.path("alert").asText()));
        assertThat(named).as("alerts with a case here").isEqualTo(new TreeSet<>(CASES.keySet()));
    }

    @Test
    void eachAlertIsQuietWhileHealthyAndFiresOnTheSeriesItNames() throws Exception {
        String promtool = promtool();
        JsonNode rules = rules();
        Files.writeString(work.resolve("rules.yaml"), YAML.writeValueAsString(rules), StandardCharsets.UTF_8);

        List<Map<String, Object>> tests = new ArrayList<>();
        for (JsonNode alert : alerts(rules)) {
            String name = alert.path("alert").asText();
            Map<String, Object> firing = new LinkedHashMap<>();
            firing.put("exp_labels", YAML.convertValue(alert.path("labels"), Map.class));
            firing.put("exp_annotations", YAML.convertValue(alert.path("annotations"), Map.class));
            Map<String, Object> test = new LinkedHashMap<>();
            test.put("interval", "1m");
            test.put("input_series", CASES.get(name).stream().map(series -> Map.of("series", series.series(), "values", series.values()))
                    .toList());
            test.put("alert_rule_test", List.of(
                    Map.of("eval_time", QUIET_AT, "alertname", name, "exp_alerts", List.of()),
                    Map.of("eval_time", FIRING_AT, "alertname", name, "exp_alerts", List.of(firing))));
            tests.add(test);
        }
        Map<String, Object> file = new LinkedHashMap<>();
        file.put("rule_files", List.of("rules.yaml"));
        file.put("evaluation_interval", "1m");
        file.put("tests", tests);
        Files.writeString(work.resolve("alerts-test.yaml"), YAML.writeValueAsString(file), StandardCharsets.UTF_8);

        Process run = new ProcessBuilder(promtool, "test", "rules", "alerts-test.yaml").directory(work.toFile())
                .redirectErrorStream(true).start();
        String output = new String(run.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(run.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(run.exitValue()).as("promtool test rules:%n%s", output).isZero();
        assertThat(tests).hasSize(CASES.size());
    }

    /** Debian's promtool, or the test stops (fails under CI=true, where .ci/run installs it). */
    private static String promtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "promtool"))) {
                return Path.of(dir, "promtool").toString();
            }
        }
        String message = "promtool is not installed: install it (apt-get install prometheus) to test the alerts";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(message + " (CI=true: a missing promtool is a failure)");
        }
        Assumptions.abort(message);
        return null;
    }
}
