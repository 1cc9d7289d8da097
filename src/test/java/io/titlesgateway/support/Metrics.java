package io.titlesgateway.support;

import static io.restassured.RestAssured.given;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads the gateway's own Prometheus metrics, as an operator's scraper would. */
public final class Metrics {

    private Metrics() {
    }

    /** The value of the first sample of {@code name} (labels and all), or -1 when there is none. */
    public static double value(String name) {
        return value(name, "");
    }

    /** The value of the first sample of {@code name} whose labels contain {@code labelsPart}, or -1 when there is none. */
    public static double value(String name, String labelsPart) {
        // a sample may end with an exemplar ("# {trace_id=...} 1.0 ...") when tracing is on
        Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)(?: # .*)?$")
                .matcher(given().get("/q/metrics").then().statusCode(200).extract().asString());
        while (sample.find()) {
            String labels = sample.group(1) == null ? "" : sample.group(1);
            if (labels.contains(labelsPart)) {
                return Double.parseDouble(sample.group(2));
            }
        }
        return -1;
    }

    /** Whether any metric of that name prefix is exposed at all. */
    public static boolean anyNamed(String prefix) {
        return !named(prefix).isEmpty();
    }

    /** The samples whose metric name starts with {@code prefix}. */
    public static java.util.List<String> named(String prefix) {
        return given().get("/q/metrics").then().statusCode(200).extract().asString().lines()
                .filter(line -> line.startsWith(prefix)).toList();
    }
}
