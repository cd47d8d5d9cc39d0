package org.nbstack.server.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigSyntax;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The PromQL of a Grafana dashboard (classic JSON model) and the metric names it refers to. */
final class DashboardQueries {

    /** PromQL words that are not metric names. */
    private static final Set<String> PROMQL_WORDS = Set.of("sum", "avg", "min", "max", "count", "rate", "irate", "increase",
            "by", "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool", "offset",
            "histogram_quantile", "topk", "bottomk", "abs", "clamp_min", "clamp_max", "delta", "deriv", "vector", "scalar",
            "time", "label_replace", "quantile", "stddev", "changes", "resets", "avg_over_time", "max_over_time", "inf", "nan");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    private DashboardQueries() {
    }

    /** Every {@code targets[].expr} of every panel, rows' nested panels included. */
    static List<String> expressions(Path dashboardJson) {
        Config dashboard = ConfigFactory.parseFile(dashboardJson.toFile(), ConfigParseOptions.defaults().setSyntax(ConfigSyntax.JSON));
        List<String> expressions = new ArrayList<>();
        collect(dashboard.getConfigList("panels"), expressions);
        return expressions;
    }

    private static void collect(List<? extends Config> panels, List<String> into) {
        for (Config panel : panels) {
            if (panel.hasPath("targets")) {
                for (Config target : panel.getConfigList("targets")) {
                    into.add(target.getString("expr"));
                }
            }
            if (panel.hasPath("panels")) {
                collect(panel.getConfigList("panels"), into);
            }
        }
    }

    /** The expression with Grafana's variables replaced by values Prometheus accepts. */
    static String forPrometheus(String expr) {
        return expr.replace("$__rate_interval", "1m").replace("$listener", ".*").replace("$job", ".*").replace("$instance", ".*");
    }

    /** The metric names in {@code expr}: identifiers outside label matchers, grouping clauses, ranges and strings. */
    static Set<String> metricNames(String expr) {
        String stripped = expr.replaceAll("\"[^\"]*\"", "\"\"")
                .replaceAll("\\{[^}]*}", " ")
                .replaceAll("\\[[^]]*]", " ")
                .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ")
                .replaceAll("\\b\\d+(\\.\\d+)?\\b", " ");
        Set<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(stripped);
        while (m.find()) {
            String word = m.group();
            int next = m.end();
            while (next < stripped.length() && stripped.charAt(next) == ' ') {
                next++;
            }
            boolean isCall = next < stripped.length() && stripped.charAt(next) == '(';
            if (!PROMQL_WORDS.contains(word) && !isCall) {
                names.add(word);
            }
        }
        return names;
    }

    /** The metric names of a Prometheus text exposition. */
    static Set<String> exposedNames(String exposition) {
        Set<String> names = new TreeSet<>();
        for (String line : exposition.split("\n")) {
            if (!line.isBlank() && !line.startsWith("#")) {
                Matcher m = IDENTIFIER.matcher(line);
                if (m.lookingAt()) {
                    names.add(m.group());
                }
            }
        }
        return names;
    }
}
