package org.nbstack.spi.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** A repeated warning reaches the log once per interval, and the next line says how many were held back. */
class RateLimitedLogTest {

    private static final long SECOND = 1_000_000_000L;

    private final Logger logger = (Logger) LoggerFactory.getLogger(RateLimitedLogTest.class.getName() + ".flood");
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    @BeforeEach
    void capture() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void release() {
        logger.detachAppender(lines);
    }

    private List<String> logged() {
        return lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }

    @Test
    void aFloodLogsOneLinePerIntervalAndCountsWhatItHeldBack() {
        RateLimitedLog log = new RateLimitedLog(logger, Duration.ofSeconds(60));
        // engine time may start anywhere, even at 0 or below (the simulator's virtual clock)
        long start = -5 * SECOND;
        for (int i = 0; i < 1000; i++) {
            log.warn(start + i * 10_000_000L, "queue of {} full", "L1");
        }
        assertThat(logged()).containsExactly("WARN queue of L1 full");

        log.warn(start + 59 * SECOND, "queue of {} full", "L1");
        assertThat(logged()).hasSize(1);

        log.warn(start + 60 * SECOND, "queue of {} full", "L2");
        assertThat(logged()).containsExactly("WARN queue of L1 full", "WARN queue of L2 full (1000 more since the last report)");

        log.warn(start + 121 * SECOND, "queue of {} full", "L3");
        assertThat(logged()).last().isEqualTo("WARN queue of L3 full");
    }

    @Test
    void wallClockWarningsAreLimitedToo() {
        RateLimitedLog log = new RateLimitedLog(logger, Duration.ofHours(1));
        for (int i = 0; i < 100; i++) {
            log.warn("{} connections pending", i);
        }
        assertThat(logged()).containsExactly("WARN 0 connections pending");
    }

    @Test
    void concurrentCallersLogTheFirstLineOnceAndLoseNoCount() throws Exception {
        RateLimitedLog log = new RateLimitedLog(logger, Duration.ofSeconds(10));
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 10_000; i++) {
                    log.warn(0, "full");
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        log.warn(10 * SECOND, "full");
        assertThat(logged()).containsExactly("WARN full", "WARN full (39999 more since the last report)");
    }

    @Test
    void aNonPositiveIntervalIsRefused() {
        assertThatThrownBy(() -> new RateLimitedLog(logger, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("interval must be positive");
    }
}
