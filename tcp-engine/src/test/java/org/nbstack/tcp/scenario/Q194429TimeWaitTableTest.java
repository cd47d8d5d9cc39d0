package org.nbstack.tcp.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.scenario.TwoHosts.MS;
import static org.nbstack.tcp.scenario.TwoHosts.SEC;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;
import org.slf4j.LoggerFactory;

/**
 * Seed 001 (Q194429): TIME_WAIT was cut short because a bounded table was scavenged. Here the table
 * holds 16 entries and 1,000 connections close one every 100 ms: every connection either skips
 * TIME_WAIT (the table was full: counted, logged at most once a minute) or stays in it for exactly
 * 2*MSL. No entry ever leaves early.
 */
class Q194429TimeWaitTableTest {
    private static final int TABLE = 16;
    private static final int CONNECTIONS = 1000;

    @Test
    void fullTableNeverEvictsEarlyAndCountsTheConnectionsThatSkipTimeWait() {
        Logger stackLog = (Logger) LoggerFactory.getLogger(TcpStack.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        stackLog.addAppender(logged);
        TcpConfig tcp = TcpConfig.DEFAULT;
        try (TwoHosts h = new TwoHosts(194429, StackConfig.of(TwoHosts.CLIENT_ADDR).withTcp(tcp).withTimeWaitLimit(TABLE),
                StackConfig.of(TwoHosts.SERVER_ADDR).withTcp(tcp), LinkFaults.PERFECT.withDelay(MS, 0))) {
            h.listen(() -> {
                Endpoint e = h.newEndpoint("server");
                e.closeOnPeerFin = true;
                return e;
            });
            List<Endpoint> clients = new ArrayList<>();
            for (int i = 0; i < CONNECTIONS; i++) {
                clients.add(h.connect(h.newEndpoint("client" + i)));
            }
            assertThat(h.run(() -> h.accepted.size() == CONNECTIONS, 10 * SEC)).isTrue();
            long start = h.world.now();
            for (int i = 0; i < CONNECTIONS; i++) {
                Endpoint c = clients.get(i);
                h.world.schedule(start + i * 100 * MS, () -> c.conn.close()); // the client closes first
            }
            int[] maxInTimeWait = {0};
            boolean done = h.run(() -> {
                maxInTimeWait[0] = Math.max(maxInTimeWait[0], h.client.timeWaitCount());
                return h.noConnectionsLeft();
            }, 200 * SEC);
            assertThat(done).as(h.describe()).isTrue();

            int skipped = 0;
            for (Endpoint c : clients) {
                long timeWait = c.closedAt - c.peerFinAt; // the server's FIN moved the client into TIME_WAIT
                if (timeWait == 0) {
                    skipped++;
                } else {
                    assertThat(timeWait).as("TIME_WAIT of %s", c.name).isEqualTo(tcp.timeWaitNanos());
                }
            }
            assertThat(maxInTimeWait[0]).isEqualTo(TABLE);
            assertThat(skipped).isPositive().isEqualTo((int) h.client.counters().timeWaitOverflows);
            // 100 s of overflows, reported at most once a minute.
            long warnings = logged.list.stream().filter(e -> e.getFormattedMessage().contains("TIME_WAIT table full")).count();
            assertThat(warnings).isBetween(1L, 2L);
        } finally {
            stackLog.detachAppender(logged);
        }
    }
}
