package org.nbstack.smb.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.smb.auth.Account;
import org.nbstack.smb.auth.Accounts;
import org.nbstack.smb.auth.NtlmV2;
import org.nbstack.smb.server.Protection;
import org.nbstack.smb.share.Share;

/**
 * Real clients logging on with NTLMv2 as a user of the account store: Samba's {@code smbclient -U user%password} and
 * impacket's {@code SMBConnection.login(user, password)} against a share only that user may use ("private") and one
 * only another user may use ("other"), on port 445 and on port 139 (nio). A wrong password is LOGON_FAILURE; the share
 * of another user is ACCESS_DENIED.
 */
class SmbLogonInteropTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String PASSWORD = "Tr0ub4dor&3";
    private static final int LOGON_FAILURE = 0xC000006D;
    private static final int ACCESS_DENIED = 0xC0000022;

    @TempDir
    Path tmp;

    private static final Accounts ACCOUNTS = name -> Optional.ofNullable(Map.of(
            "alice", new Account("alice", NtlmV2.ntHash(PASSWORD.toCharArray()), false, false),
            "bob", new Account("bob", NtlmV2.ntHash("another one".toCharArray()), false, false)).get(Account.key(name)));

    private SmbTestServer server(int port) throws Exception {
        return server(Protection.DEFAULT, "nio", port);
    }

    private SmbTestServer server(Protection protection, String transport, int port) throws Exception {
        Path mine = tmp.resolve("private");
        Path others = Files.createDirectories(tmp.resolve("other"));
        List<Share> shares = List.of(new Share("private", mine, false, false, Set.of("alice"), Set.of(), Set.of()),
                new Share("other", others, false, false, Set.of("bob"), Set.of(), Set.of()));
        return new SmbTestServer(mine, shares, ACCOUNTS, protection, transport,
                port == 445 ? NetbiosServer.Framing.DIRECT_TCP : NetbiosServer.Framing.NBSS, port);
    }

    @Test
    void smbclientWithAWrongPasswordIsRefusedWithLogonFailureOver445And139() throws Exception {
        Smbclient.require();
        for (int port : new int[] {445, NetbiosServerSettings.NBSS_PORT}) {
            Path local = Files.createDirectories(tmp.resolve("local" + port));
            try (SmbTestServer server = server(port)) {
                Smbclient.Result wrong = Smbclient.runAs(local, server, port, "alice", PASSWORD + "!", "private", "ls");
                assertThat(wrong.exit()).isNotZero();
                assertThat(wrong.output()).contains("NT_STATUS_LOGON_FAILURE");
                assertThat(server.requests("session_setup", "0xC000006D")).isEqualTo(1);
            }
        }
    }

    /** Samba's client signs every session that is neither anonymous nor guest and refuses unsigned responses. */
    @Test
    void smbclientAsAUserPutsAndGetsOnItsShareOver445And139() throws Exception {
        Smbclient.require();
        for (int port : new int[] {445, NetbiosServerSettings.NBSS_PORT}) {
            Path local = Files.createDirectories(tmp.resolve("local-user" + port));
            SmbclientTest.writeRandom(local.resolve("up.bin"), 1_000_003, port);
            try (SmbTestServer server = server(port)) {
                SmbclientTest.writeRandom(server.shareDir.resolve("down.bin"), 300_001, port + 1);
                Smbclient.Result ok = Smbclient.runAs(local, server, port, "alice", PASSWORD, "private", "put up.bin; get down.bin");
                assertThat(ok.exit()).as(ok.output() + "\n" + server.unsuccessfulRequests()).isZero();
                assertThat(SmbclientTest.sha256(server.shareDir.resolve("up.bin"))).isEqualTo(SmbclientTest.sha256(local.resolve("up.bin")));
                assertThat(SmbclientTest.sha256(local.resolve("down.bin"))).isEqualTo(SmbclientTest.sha256(server.shareDir.resolve("down.bin")));

                Smbclient.Result forbidden = Smbclient.runAs(local, server, port, "alice", PASSWORD, "other", "ls");
                assertThat(forbidden.exit()).isNotZero();
                assertThat(forbidden.output()).contains("NT_STATUS_ACCESS_DENIED");
                assertThat(server.requests("tree_connect", "0xC0000022")).as("refused by the server").isEqualTo(1);
            }
        }
    }

    /**
     * Signing required by both ends: were a request unsigned the server would refuse it (and count it), were a response
     * unsigned smbclient would refuse it; so success with nothing refused means every message after logon was signed.
     */
    @ParameterizedTest(name = "{0}, port {1}")
    @CsvSource({"nio, 445", "nio, 139", "engine, 445", "engine, 139"})
    void smbclientAsAUserWithSigningRequiredByBothEndsPutsAndGetsOnlyOnItsShare(String transport, int port) throws Exception {
        Smbclient.require();
        Path local = Files.createDirectories(tmp.resolve("local"));
        SmbclientTest.writeRandom(local.resolve("up.bin"), 1_000_003, port);
        try (SmbTestServer server = server(new Protection(Protection.Signing.REQUIRED), transport, port)) {
            SmbclientTest.writeRandom(server.shareDir.resolve("down.bin"), 1_000_033, port + 1);
            List<String> signedAsAlice = List.of("-U", "alice%" + PASSWORD, "--client-protection=sign");
            Smbclient.Result ok = Smbclient.run(local, server, port, "private", signedAsAlice, "put up.bin; get down.bin");
            assertThat(ok.exit()).as(ok.output() + "\n" + server.unsuccessfulRequests()).isZero();
            assertThat(SmbclientTest.sha256(server.shareDir.resolve("up.bin"))).isEqualTo(SmbclientTest.sha256(local.resolve("up.bin")));
            assertThat(SmbclientTest.sha256(local.resolve("down.bin"))).isEqualTo(SmbclientTest.sha256(server.shareDir.resolve("down.bin")));

            Smbclient.Result forbidden = Smbclient.run(local, server, port, "other", signedAsAlice, "ls");
            assertThat(forbidden.exit()).isNotZero();
            assertThat(forbidden.output()).contains("NT_STATUS_ACCESS_DENIED");
            assertThat(server.requests("tree_connect", "0xC0000022")).as("refused by the server").isEqualTo(1);
            assertThat(server.refused("unsigned") + server.refused("bad-signature")).as("requests refused for their signing").isZero();
        }
    }

    @Test
    void impacketLogsOnWithNtlmV2() throws Exception {
        ImpacketSmbTest.needsImpacket();
        Path local = Files.createDirectories(tmp.resolve("local"));
        SmbclientTest.writeRandom(local.resolve("up.bin"), 200_000, 11);
        try (SmbTestServer server = server(445)) {
            Path script = tmp.resolve("impacket_logon.py");
            try (InputStream in = SmbLogonInteropTest.class.getResourceAsStream("impacket_logon.py")) {
                Files.copy(in, script);
            }
            Process p = new ProcessBuilder(server.clientCommand(List.of(PYTHON, script.toString(), server.host, "445", "alice", PASSWORD,
                    "private", "other", local.toString()))).redirectErrorStream(true).start();
            p.getOutputStream().close();
            assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("impacket finished").isTrue();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(output).as(output + "\n" + server.unsuccessfulRequests()).contains("DONE").doesNotContain("Traceback");
            assertThat(output).contains(String.format("WRONG PASSWORD 0x%08x", LOGON_FAILURE), "LOGON guest=0",
                    "GET up.bin " + SmbclientTest.sha256(local.resolve("up.bin")), String.format("FORBIDDEN TREE 0x%08x", ACCESS_DENIED));
        }
    }
}
