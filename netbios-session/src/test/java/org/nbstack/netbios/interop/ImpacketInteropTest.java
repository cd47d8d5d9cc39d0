package org.nbstack.netbios.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.NetbiosServerSettings;

/**
 * impacket's NetBIOS session client (python3-impacket), a client nobody here wrote, against the server: on nio over
 * 127.0.0.1, and on the engine over a TUN device with impacket in the test's network namespace (kernel TCP there).
 */
class ImpacketInteropTest {

    // impacket sends its SESSION REQUEST by itself only when sess_port is 139; on another port the script asks
    // impacket's own request method to do it, so the request and the answer are still encoded and read by impacket.
    private static final String SCRIPT = """
            import sys
            from impacket import nmb
            port, called, host = int(sys.argv[1]), sys.argv[2], sys.argv[3]
            try:
                s = nmb.NetBIOSTCPSession('CLIENT', called, host, sess_port=port, timeout=10)
                if port != nmb.NETBIOS_SESSION_PORT:
                    s._request_session(nmb.TYPE_SERVER, nmb.TYPE_WORKSTATION, 10)
            except nmb.NetBIOSError as e:
                print('NEGATIVE', e)
                sys.exit(3)
            for size in (5, 70000):
                data = bytes(i % 251 for i in range(size))
                s.send_packet(data)
                got = s.recv_packet(10).get_trailer()
                if got != data:
                    print('MISMATCH', size, len(got))
                    sys.exit(4)
                print('ECHO', size)
            s.close()
            """;

    private static String python;

    @TempDir
    Path dir;

    @BeforeAll
    static void needsImpacket() throws Exception {
        // Debian's python3-impacket lives in the system interpreter; a python3 earlier on the PATH may not see it.
        for (String candidate : List.of("/usr/bin/python3", "python3")) {
            try {
                Process p = new ProcessBuilder(candidate, "-c", "import impacket").redirectErrorStream(true).start();
                if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                    python = candidate;
                    return;
                }
            } catch (IOException notThere) {
                // try the next
            }
        }
        Assumptions.abort("python3 with impacket is not installed (Debian: apt-get install python3-impacket)");
    }

    @Test
    void impacketSetsUpASessionAndEchoesSmallAndExtendedLengthMessages() throws Exception {
        try (RealClientServer server = RealClientServer.onPort(0, NetbiosServerSettings.builder())) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, session -> session.inbound()));
            Result result = run(server.server.localAddress().getPort(), "SERVER");
            assertThat(result.output).contains("ECHO 5", "ECHO 70000");
            assertThat(result.exit).as(result.output).isZero();
            assertThat(server.established()).isEqualTo(1);
            assertThat(server.meters.find("netbios.bytes.in").counter().count()).isEqualTo(70_005);
        }
    }

    @Test
    void impacketIsRefusedForAnUnknownName() throws Exception {
        try (RealClientServer server = RealClientServer.onPort(0, NetbiosServerSettings.builder())) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, session -> session.inbound()));
            Result result = run(server.server.localAddress().getPort(), "NOBODY");
            assertThat(result.exit).as(result.output).isEqualTo(3);
            assertThat(result.output).contains("NEGATIVE");
            assertThat(server.negatives(0x82)).isEqualTo(1);
        }
    }

    /** On port 139, where impacket sends the SESSION REQUEST by itself: the engine's ports need no privilege. */
    @Test
    void impacketOnTheEngineOverTunSetsUpASessionAndEchoes() throws Exception {
        try (EngineTun tun = EngineTun.open();
                RealClientServer server = RealClientServer.onEngine(tun, NetbiosServerSettings.NBSS_PORT, NetbiosServerSettings.builder())) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, session -> session.inbound()));
            EngineTun.Result result = tun.exec(Duration.ofSeconds(60),
                    List.of(python, script(), "139", "SERVER", EngineTun.ENGINE), Map.of());
            assertThat(result.output()).contains("ECHO 5", "ECHO 70000");
            assertThat(result.exit()).as(result.output()).isZero();
            assertThat(server.established()).isEqualTo(1);
            assertThat(server.meters.find("netbios.bytes.in").counter().count()).isEqualTo(70_005);
            assertThat(server.meters.find("netbios.bytes.out").counter().count()).isEqualTo(70_005);
        }
    }

    @Test
    void impacketOnTheEngineOverTunIsRefusedForAnUnknownName() throws Exception {
        try (EngineTun tun = EngineTun.open();
                RealClientServer server = RealClientServer.onEngine(tun, NetbiosServerSettings.NBSS_PORT, NetbiosServerSettings.builder())) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, session -> session.inbound()));
            EngineTun.Result result = tun.exec(Duration.ofSeconds(60),
                    List.of(python, script(), "139", "NOBODY", EngineTun.ENGINE), Map.of());
            assertThat(result.exit()).as(result.output()).isEqualTo(3);
            assertThat(result.output()).contains("NEGATIVE");
            assertThat(server.negatives(0x82)).isEqualTo(1);
            assertThat(server.established()).isZero();
        }
    }

    private record Result(int exit, String output) {
    }

    private String script() throws IOException {
        Path script = dir.resolve("nbss_echo.py");
        Files.writeString(script, SCRIPT);
        return script.toString();
    }

    private Result run(int port, String called) throws Exception {
        Process process = new ProcessBuilder(python, script(), Integer.toString(port), called, "127.0.0.1")
                .redirectErrorStream(true).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("impacket finished").isTrue();
        return new Result(process.exitValue(), new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
