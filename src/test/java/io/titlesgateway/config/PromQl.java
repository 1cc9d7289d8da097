package io.titlesgateway.config;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Just enough of PromQL to check the expressions the monitoring ships: it reads an expression the
 * way Prometheus's lexer does, refuses what Prometheus would refuse among the forms used here
 * (unbalanced brackets, an unknown function, a bad label matcher or range, a grouping without its
 * labels, a dangling operator), and names the metrics it selects.
 */
final class PromQl {

    private static final Pattern TOKEN = Pattern.compile(
            "\\s*(?:(?<string>\"(?:[^\"\\\\]|\\\\.)*\")|(?<range>\\[[0-9]+[smhdwy](?::[0-9]+[smhdwy])?])"
                    + "|(?<number>[0-9]+(?:\\.[0-9]+)?)|(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)"
                    + "|(?<op>==|!=|>=|<=|=~|!~|[-+*/%^<>=(){},]))");
    private static final Set<String> FUNCTIONS = Set.of("rate", "irate", "increase", "delta", "deriv", "avg_over_time",
            "min_over_time", "max_over_time", "sum_over_time", "count_over_time", "histogram_quantile", "abs", "clamp_min",
            "clamp_max", "absent", "absent_over_time", "time", "vector", "scalar", "round", "ceil", "floor", "label_replace");
    private static final Set<String> AGGREGATIONS = Set.of("sum", "min", "max", "avg", "count", "topk", "bottomk", "quantile", "stddev");
    private static final Set<String> KEYWORDS = Set.of("by", "without", "on", "ignoring", "group_left", "group_right", "bool",
            "and", "or", "unless", "offset");
    private static final Set<String> BINARY = Set.of("==", "!=", ">=", "<=", ">", "<", "+", "-", "*", "/", "%", "^", "and", "or", "unless");
    private static final Map<String, String> CLOSING = Map.of("(", ")", "{", "}");

    private PromQl() {
    }

    /** The metrics {@code expression} selects; an {@link IllegalArgumentException} saying why if it does not parse. */
    static Set<String> metricsOf(String expression) {
        List<String[]> tokens = tokens(expression);
        Set<String> metrics = new LinkedHashSet<>();
        Deque<String> open = new ArrayDeque<>();
        boolean operandExpected = true;
        for (int i = 0; i < tokens.size(); i++) {
            String kind = tokens.get(i)[0];
            String text = tokens.get(i)[1];
            String next = i + 1 < tokens.size() ? tokens.get(i + 1)[1] : "";
            switch (kind) {
                case "name" -> {
                    if (BINARY.contains(text)) {
                        operandExpected = binary(operandExpected, text);
                    } else if (text.equals("by") || text.equals("without") || text.equals("on") || text.equals("ignoring")) {
                        i = labelList(tokens, i + 1, text);
                    } else if (KEYWORDS.contains(text)) {
                        continue;
                    } else if (next.equals("(")) {
                        if (!FUNCTIONS.contains(text) && !AGGREGATIONS.contains(text)) {
                            throw new IllegalArgumentException("unknown function " + text);
                        }
                        operandExpected = true;
                    } else if (AGGREGATIONS.contains(text) && (next.equals("by") || next.equals("without"))) {
                        operandExpected = true;
                    } else {
                        metrics.add(text);
                        operandExpected = false;
                    }
                }
                case "number" -> operandExpected = false;
                case "string" -> operandExpected = false;
                case "range" -> {
                    if (operandExpected) {
                        throw new IllegalArgumentException("a range " + text + " with no selector before it");
                    }
                }
                default -> {
                    if (text.equals("(")) {
                        open.push(text);
                        operandExpected = true;
                    } else if (text.equals("{")) {
                        i = matchers(tokens, i + 1);
                        operandExpected = false;
                    } else if (text.equals(")")) {
                        if (open.isEmpty() || operandExpected) {
                            throw new IllegalArgumentException("a ')' with nothing to close or after an operator");
                        }
                        open.pop();
                    } else if (text.equals(",")) {
                        if (open.isEmpty()) {
                            throw new IllegalArgumentException("a ',' outside a call");
                        }
                        operandExpected = true;
                    } else if (BINARY.contains(text)) {
                        operandExpected = binary(operandExpected, text);
                    } else {
                        throw new IllegalArgumentException("unexpected " + text);
                    }
                }
            }
        }
        if (!open.isEmpty() || operandExpected) {
            throw new IllegalArgumentException("the expression ends unfinished");
        }
        if (metrics.isEmpty()) {
            throw new IllegalArgumentException("the expression selects no metric");
        }
        return metrics;
    }

    private static boolean binary(boolean operandExpected, String operator) {
        if (operandExpected && !operator.equals("-")) {
            throw new IllegalArgumentException("operator " + operator + " with nothing before it");
        }
        return true;
    }

    /** {@code by (a, b)}: the index of its closing parenthesis. */
    private static int labelList(List<String[]> tokens, int from, String keyword) {
        if (from >= tokens.size() || !tokens.get(from)[1].equals("(")) {
            throw new IllegalArgumentException(keyword + " without its labels in parentheses");
        }
        int i = from + 1;
        while (i < tokens.size() && !tokens.get(i)[1].equals(")")) {
            if (!tokens.get(i)[0].equals("name")) {
                throw new IllegalArgumentException(keyword + " lists " + tokens.get(i)[1] + ", not a label");
            }
            i++;
            if (i < tokens.size() && tokens.get(i)[1].equals(",")) {
                i++;
            }
        }
        if (i >= tokens.size()) {
            throw new IllegalArgumentException(keyword + " (...) is not closed");
        }
        return i;
    }

    /** {@code {label="value", ...}}: the index of its closing brace. */
    private static int matchers(List<String[]> tokens, int from) {
        int i = from;
        while (i < tokens.size() && !tokens.get(i)[1].equals(CLOSING.get("{"))) {
            if (i + 2 >= tokens.size() || !tokens.get(i)[0].equals("name")
                    || !Set.of("=", "!=", "=~", "!~").contains(tokens.get(i + 1)[1]) || !tokens.get(i + 2)[0].equals("string")) {
                throw new IllegalArgumentException("a label matcher is not label=\"value\" at " + tokens.get(i)[1]);
            }
            i += 3;
            if (i < tokens.size() && tokens.get(i)[1].equals(",")) {
                i++;
            }
        }
        if (i >= tokens.size()) {
            throw new IllegalArgumentException("a '{' is not closed");
        }
        return i;
    }

    private static List<String[]> tokens(String expression) {
        List<String[]> tokens = new ArrayList<>();
        Matcher matcher = TOKEN.matcher(expression);
        int at = 0;
        while (at < expression.length()) {
            if (expression.substring(at).isBlank()) {
                break;
            }
            if (!matcher.find(at) || matcher.start() != at) {
                throw new IllegalArgumentException("cannot read " + expression.substring(at));
            }
            for (String kind : List.of("string", "range", "number", "name", "op")) {
                if (matcher.group(kind) != null) {
                    tokens.add(new String[] { kind, matcher.group(kind) });
                }
            }
            at = matcher.end();
        }
        return tokens;
    }
}
