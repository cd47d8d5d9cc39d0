package org.nbstack.netbios.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.NetbiosServerSettings;

/**
 * Samba's smbclient against the server on 127.0.0.1:139. Asked to list 127.0.0.1, smbclient first calls the
 * name "127.0.0.1&lt;20&gt;"; refused with 0x82 it calls {@code *SMBSERVER<20>}, which the server maps to its
 * default name. After the POSITIVE response smbclient starts SMB negotiation, which stops there because no
 * file service exists yet: the test checks the session service's part, through the server's metrics. The same runs
 * against the server on the engine over a TUN device, smbclient in the test's network namespace.
 */
class SmbclientInteropTest {

    @BeforeAll
    static void needsSmbclient() {
        try {
            Process p = new ProcessBuilder("smbclient", "--version").redirectErrorStream(true).start();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException | InterruptedException notThere) {
            // fall through
        }
        Assumptions.abort("smbclient is not installed (Debian: apt-get install smbclient)");
    }

    @Test
    void smbclientGetsAPositiveResponseThroughSmbServer() throws Exception {
        try (RealClientServer server = RealClientServer.onPort139(NetbiosServerSettings.builder().defaultName(RealClientServer.SERVER))) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, server.recordFirstMessageAndClose()));
            String output = smbclient("-p", "139", "-L", "127.0.0.1", "-N");
            assertThat(server.established()).as(output).isEqualTo(1);
            assertThat(server.negatives(0x82)).as("the first call, for the name 127.0.0.1").isEqualTo(1);
            assertThat(server.firstMessages).as("smbclient went on to SMB negotiation").singleElement()
                    .satisfies(head -> assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("SMB"));
        }
    }

    @Test
    void smbclientCallingItsServerByNameGetsAPositiveResponse() throws Exception {
        try (RealClientServer server = RealClientServer.onPort139(NetbiosServerSettings.builder().smbServerAlias(false))) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, server.recordFirstMessageAndClose()));
            String output = smbclient("-p", "139", "-L", "SERVER", "-I", "127.0.0.1", "-N");
            assertThat(server.established()).as(output).isEqualTo(1);
            assertThat(server.negatives(0x82)).isZero();
        }
    }

    @Test
    void smbclientIsRefusedWhenNoNameItTriesIsListenedOn() throws Exception {
        try (RealClientServer server = RealClientServer.onPort139(NetbiosServerSettings.builder().smbServerAlias(false))) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, server.recordFirstMessageAndClose()));
            String output = smbclient("-p", "139", "-L", "127.0.0.1", "-N");
            assertThat(server.established()).as(output).isZero();
            assertThat(server.negatives(0x82)).as(output).isGreaterThanOrEqualTo(2); // 127.0.0.1, then *SMBSERVER
        }
    }

    @Test
    void smbclientOnTheEngineOverTunGetsAPositiveResponseThroughSmbServer() throws Exception {
        try (EngineTun tun = EngineTun.open();
                RealClientServer server = RealClientServer.onEngine(tun, NetbiosServerSettings.NBSS_PORT,
                        NetbiosServerSettings.builder().defaultName(RealClientServer.SERVER))) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, server.recordFirstMessageAndClose()));
            String output = smbclientIn(tun, "-p", "139", "-L", EngineTun.ENGINE, "-N");
            assertThat(server.established()).as(output).isEqualTo(1);
            assertThat(server.negatives(0x82)).as("the first call, for the name " + EngineTun.ENGINE).isEqualTo(1);
            assertThat(server.firstMessages).as("smbclient went on to SMB negotiation").singleElement()
                    .satisfies(head -> assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("SMB"));
        }
    }

    @Test
    void smbclientOnTheEngineOverTunIsRefusedWhenNoNameItTriesIsListenedOn() throws Exception {
        try (EngineTun tun = EngineTun.open();
                RealClientServer server = RealClientServer.onEngine(tun, NetbiosServerSettings.NBSS_PORT,
                        NetbiosServerSettings.builder().smbServerAlias(false))) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, server.recordFirstMessageAndClose()));
            String output = smbclientIn(tun, "-p", "139", "-L", EngineTun.ENGINE, "-N");
            assertThat(server.established()).as(output).isZero();
            assertThat(server.negatives(0x82)).as(output).isGreaterThanOrEqualTo(2); // the address, then *SMBSERVER
        }
    }

    private static String smbclientIn(EngineTun tun, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("smbclient"));
        command.addAll(List.of(args));
        EngineTun.Result result = tun.exec(Duration.ofSeconds(60), command, Map.of("HOME", System.getProperty("java.io.tmpdir")));
        return "smbclient said (exit " + result.exit() + "): " + result.output();
    }

    private static String smbclient(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "smbclient";
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("HOME", System.getProperty("java.io.tmpdir")); // no user smb.conf surprises
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("smbclient finished").isTrue();
        return "smbclient said: " + new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }
}
