package org.nbstack.netbios.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.server.Listener;
import org.nbstack.netbios.server.NetbiosServerSettings;

/**
 * Samba's smbclient against the server on 127.0.0.1:139. Asked to list 127.0.0.1, smbclient first calls the
 * name "127.0.0.1&lt;20&gt;"; refused with 0x82 it calls {@code *SMBSERVER<20>}, which the server maps to its
 * default name. After the POSITIVE response smbclient starts SMB negotiation, which stops there because no
 * file service exists yet: the test checks the session service's part, through the server's metrics.
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
            server.listeners.listen(Listener.of(RealClientServer.SERVER, server.recordFirstMessageAndClose()));
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
            server.listeners.listen(Listener.of(RealClientServer.SERVER, server.recordFirstMessageAndClose()));
            String output = smbclient("-p", "139", "-L", "SERVER", "-I", "127.0.0.1", "-N");
            assertThat(server.established()).as(output).isEqualTo(1);
            assertThat(server.negatives(0x82)).isZero();
        }
    }

    @Test
    void smbclientIsRefusedWhenNoNameItTriesIsListenedOn() throws Exception {
        try (RealClientServer server = RealClientServer.onPort139(NetbiosServerSettings.builder().smbServerAlias(false))) {
            server.listeners.listen(Listener.of(RealClientServer.SERVER, server.recordFirstMessageAndClose()));
            String output = smbclient("-p", "139", "-L", "127.0.0.1", "-N");
            assertThat(server.established()).as(output).isZero();
            assertThat(server.negatives(0x82)).as(output).isGreaterThanOrEqualTo(2); // 127.0.0.1, then *SMBSERVER
        }
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
