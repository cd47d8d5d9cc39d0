package org.nbstack.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DashboardQueriesTest {

    @Test
    void findsMetricNamesButNotFunctionsLabelsOrRanges() {
        assertThat(DashboardQueries.metricNames(
                "sum by (state) (rate(tcp_connections{listener=~\"$listener\",state=\"LISTEN\"}[$__rate_interval])) / sum(x_total)"))
                .containsExactly("tcp_connections", "x_total");
    }
}
