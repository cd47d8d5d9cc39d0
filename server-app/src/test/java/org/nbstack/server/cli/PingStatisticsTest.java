package org.nbstack.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The summary {@code nbstack ping} prints: counts, loss and min/avg/p50/p99/max as a user reads them. */
class PingStatisticsTest {

    private static final long MS = 1_000_000L;

    @Test
    void summaryOfAThousandEchoesGivesExactMinAvgMaxAndPercentilesWithinAThousandth() {
        PingStatistics stats = new PingStatistics();
        for (int i = 1000; i >= 1; i--) { // arrival order must not matter
            stats.sent();
            stats.received(i * MS + 123);
        }
        stats.sent(); // one echo lost

        assertThat(stats.percentile(0)).isEqualTo(1 * MS + 123);
        assertThat(stats.percentile(100)).isEqualTo(1000 * MS + 123);
        assertThat((double) stats.percentile(50)).isCloseTo(500 * MS, within(0.001 * 500 * MS));
        assertThat((double) stats.percentile(99)).isCloseTo(990 * MS, within(0.001 * 990 * MS));

        String summary = stats.summary("ECHO@127.0.0.1:139");
        assertThat(summary).startsWith("--- ECHO@127.0.0.1:139 ping statistics ---\n1001 sent, 1000 received, 0% lost\n");
        assertThat(summary).matches("(?s).*rtt min/avg/p50/p99/max = 1\\.000/500\\.500/50[01]\\.\\d{3}/99[01]\\.\\d{3}/1000\\.000 ms\n");
    }

    @Test
    void oneEchoIsItsOwnMinMedianAndMax() {
        PingStatistics stats = new PingStatistics();
        stats.sent();
        stats.received(1_234_567);
        assertThat(stats.summary("X")).endsWith("1 sent, 1 received, 0% lost\nrtt min/avg/p50/p99/max = 1.235/1.235/1.235/1.235/1.235 ms\n");
    }

    @Test
    void noEchoMeansNoRoundTripLine() {
        PingStatistics stats = new PingStatistics();
        stats.sent();
        stats.sent();
        assertThat(stats.summary("X")).isEqualTo("--- X ping statistics ---\n2 sent, 0 received, 100% lost\n");
        assertThat(stats.receivedCount()).isZero();
    }
}
