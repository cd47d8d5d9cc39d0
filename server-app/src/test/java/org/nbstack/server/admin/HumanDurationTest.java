package org.nbstack.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.nbstack.server.app.ShutdownReport;

/** Durations the operator reads are written as in the configuration, never as {@code PT5S}. */
class HumanDurationTest {

    @Test
    void durationsReadAsTheConfigurationWritesThem() {
        assertThat(HumanDuration.format(Duration.ofMillis(250))).isEqualTo("250ms");
        assertThat(HumanDuration.format(Duration.ZERO)).isEqualTo("0ms");
        assertThat(HumanDuration.format(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(HumanDuration.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
        assertThat(HumanDuration.format(Duration.ofSeconds(90))).isEqualTo("1m30s");
        assertThat(HumanDuration.format(Duration.ofMinutes(2))).isEqualTo("2m");
        assertThat(HumanDuration.format(Duration.ofMinutes(125))).isEqualTo("2h5m");
    }

    @Test
    void theStopSummaryPrintsTheTimeTakenReadably() {
        assertThat(new ShutdownReport(2, 0, Duration.ofMillis(84)).summary()).isEqualTo("stopped: 2 sessions closed gracefully, 0 aborted, in 84ms");
    }
}
