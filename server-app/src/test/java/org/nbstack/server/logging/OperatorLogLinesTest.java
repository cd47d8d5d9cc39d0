package org.nbstack.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.DatagramSocket;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.config.LoggingSettings;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.client.NetbiosSessionException;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.server.testing.Clients;
import org.nbstack.server.testing.Http;
import org.nbstack.server.testing.TestServers;

/**
 * What an operator sees in the log at the default level (INFO) of a server with both default listeners: every
 * session's start and end and every refusal, and no start-up noise (no duplicate of the lines serve prints on
 * standard output, no Micrometer warning, no MSS remark about the default configuration).
 */
class OperatorLogLinesTest {

    private final PrintStream originalErr = System.err;

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        LoggingSetup.apply(new LoggingSettings(LoggingSettings.Format.TEXT, "INFO", Map.of()));
    }

    @Test
    void sessionsAndRefusalsAreLoggedAtInfoAndStartingAndStoppingAddNoNoise() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggingSetup.apply(new LoggingSettings(LoggingSettings.Format.TEXT, "INFO", Map.of()));
        int udp;
        try (DatagramSocket socket = new DatagramSocket(0)) {
            udp = socket.getLocalPort();
        }

        var config = TestServers.config("listeners.engine.enabled=true", "listeners.engine.link=udp://127.0.0.1:" + udp);
        try (var server = TestServers.start(config); NetbiosClient client = Clients.client(null)) {
            assertThat(server.output()).contains("listening: engine").contains("listening: kernel");
            NetbiosSession session = Clients.connect(client, server.kernelAddress(), "ECHO");
            session.close();
            session.onClose().block(Duration.ofSeconds(5));
            try {
                Clients.connect(client, server.kernelAddress(), "NOSUCH");
            } catch (NetbiosSessionException expected) {
                // 0x82: not listening on called name
            }
            await(captured, "ended");
            await(captured, "refused");
        }
        String log = captured.toString(StandardCharsets.UTF_8);

        assertThat(log).containsPattern("INFO .* session 1 established: TESTER<00> -> ECHO<20>")
                .containsPattern("INFO .*session 1 TESTER<00> -> ECHO<20> from .* ended: ")
                .containsPattern("INFO .* -> NOSUCH<20> refused: ");
        assertThat(log).as("serve prints these on standard output; the log must not repeat them")
                .doesNotContain("listening on").doesNotContain("admin endpoint on").doesNotContain("stopped");
        assertThat(log).doesNotContain("already registered").doesNotContain("lowered to").doesNotContain("WARN");
        assertThat(log).as("addresses print as host:port, without InetSocketAddress' leading slash").doesNotContain("/127.0.0.1");
    }

    @Test
    void aSilentDirectTcpClientIsResetAtTheSessionRequestTimeoutWithAnInfoLineAndACount() throws Exception {
        String log = silentClientIsResetAndCounted("direct", "listeners.direct.transport=nio", "listeners.direct.bind=127.0.0.1:0",
                "listeners.direct.protocol=smb-direct", "netbios.session-request-timeout=300ms");
        assertThat(log).containsPattern("INFO .*\\[direct .*127\\.0\\.0\\.1:\\d+: direct SMB connection sent no message within 300ms "
                + "\\(session-request-timeout\\), resetting");
    }

    @Test
    void aSilentNbssClientIsResetWithTheSameInfoLineNamingPeerListenerAndTimeout() throws Exception {
        String log = silentClientIsResetAndCounted("kernel", "netbios.session-request-timeout=1s");
        assertThat(log).containsPattern("INFO .*\\[kernel .*127\\.0\\.0\\.1:\\d+: no SESSION REQUEST within 1s "
                + "\\(session-request-timeout\\), resetting");
        assertThat(log).as("durations print as configured, not as ISO-8601").doesNotContain("PT1S");
    }

    /** Connects to {@code listener} and sends nothing; returns the log once the server has reset and counted it. */
    private static String silentClientIsResetAndCounted(String listener, String... overrides) throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggingSetup.apply(new LoggingSettings(LoggingSettings.Format.TEXT, "INFO", Map.of()));
        try (var server = TestServers.start(TestServers.config(overrides));
                Socket silent = new Socket("127.0.0.1", server.server().listenerAddress(listener).orElseThrow().getPort())) {
            silent.setSoTimeout(10_000);
            int read;
            try {
                read = silent.getInputStream().read();
            } catch (SocketException reset) {
                read = -1;
            }
            assertThat(read).as("the server closes the silent connection").isEqualTo(-1);
            await(captured, "resetting");
            assertThat(Http.get("http://" + server.adminAddress() + "/metrics").body())
                    .containsPattern("netbios_requests_timedout_total\\{[^}]*listener=\"" + listener + "\"[^}]*} 1\\.0");
        }
        return captured.toString(StandardCharsets.UTF_8);
    }

    private static void await(ByteArrayOutputStream captured, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!captured.toString(StandardCharsets.UTF_8).contains(text) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
    }
}
