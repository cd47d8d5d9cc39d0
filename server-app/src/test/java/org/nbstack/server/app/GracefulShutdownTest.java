package org.nbstack.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ConnectException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.server.testing.Clients;
import org.nbstack.server.testing.TestServers;
import org.nbstack.tcp.core.TcpState;

/** SIGTERM's path on the kernel transport: stop accepting, every session ends with a FIN, within the bound. */
class GracefulShutdownTest {

    @Test
    void stoppingClosesEverySessionWithAFinAndStopsAccepting() {
        SimpleMeterRegistry clientMeters = new SimpleMeterRegistry();
        var started = TestServers.start(TestServers.config());
        String address = started.kernelAddress();
        try (NetbiosClient client = Clients.client(clientMeters)) {
            List<NetbiosSession> sessions = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                sessions.add(Clients.connect(client, address, i % 2 == 0 ? "ECHO" : "DISCARD"));
            }

            ShutdownReport report = started.server().stop(Duration.ofSeconds(5));

            assertThat(report.closedGracefully()).isEqualTo(8);
            assertThat(report.aborted()).isZero();
            assertThat(report.took()).isLessThan(Duration.ofSeconds(5));
            for (NetbiosSession session : sessions) {
                session.onClose().block(Duration.ofSeconds(5));
            }
            // the client saw an orderly close (FIN), never a reset
            assertThat(clientMeters.find("netbios.sessions.closed").tag("reason", "peer_closed").counter().count()).isEqualTo(8);
            assertThat(clientMeters.find("netbios.sessions.closed").tag("reason", "io_error").counter()).isNull();
            String[] hostPort = address.split(":");
            assertThatThrownBy(() -> new Socket(hostPort[0], Integer.parseInt(hostPort[1])).close()).isInstanceOf(ConnectException.class);
        }
    }

    @Test
    void stoppingTwiceIsHarmless() {
        var started = TestServers.start(TestServers.config());
        started.server().stop(Duration.ofSeconds(1));
        assertThat(started.server().stop(Duration.ofSeconds(1)).closedGracefully()).isZero();
        assertThat(started.server().healthy()).isFalse();
    }

    @Test
    void theWaitingLineSaysForWhatAndHowLong() {
        assertThat(GracefulShutdown.waitingLine(Duration.ofSeconds(10), 0, java.util.Map.of(TcpState.LAST_ACK, 1L)))
                .isEqualTo("stopping: waiting up to 10s for 1 connection (LAST_ACK); Ctrl-C again to force");
        assertThat(GracefulShutdown.waitingLine(Duration.ofSeconds(10), 2, new java.util.TreeMap<>(java.util.Map.of(
                TcpState.ESTABLISHED, 2L, TcpState.LAST_ACK, 1L))))
                .isEqualTo("stopping: waiting up to 10s for 2 sessions and 3 connections (2 ESTABLISHED, 1 LAST_ACK); Ctrl-C again to force");
        assertThat(GracefulShutdown.waitingLine(Duration.ofSeconds(90), 1, java.util.Map.of()))
                .isEqualTo("stopping: waiting up to 1m30s for 1 session; Ctrl-C again to force");
        assertThat(GracefulShutdown.waitingLine(Duration.ofMillis(1500), 1, java.util.Map.of()))
                .isEqualTo("stopping: waiting up to 1.5s for 1 session; Ctrl-C again to force");
    }
}
