package org.nbstack.smb.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.smb.auth.Account;
import org.nbstack.smb.auth.Accounts;
import org.nbstack.smb.auth.NtlmV2;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.server.Protection;

/**
 * Signed sessions with real clients: Samba's smbclient logging on with an account and requiring signing, impacket
 * signing because the server requires it, and a raw client whose forged and unsigned requests are refused while its
 * correctly signed ones go on working on the same connection.
 */
class SignedSmbTest {

    private static final String PYTHON = "/usr/bin/python3";
    private static final String PASSWORD = "Signed-0ff!";
    private static final int SIZE = 3 * 1024 * 1024 + 17;

    @TempDir
    Path tmp;

    private final Accounts accounts = name -> Optional.ofNullable(
            Map.of("alice", new Account("alice", NtlmV2.ntHash(PASSWORD.toCharArray()), false, false)).get(Account.key(name)));

    @ParameterizedTest(name = "{0}")
    @CsvSource({"SMB2_10", "SMB3_02"})
    void smbclientRequiringSigningPutsAndGetsByteExact(String protocol) throws Exception {
        Smbclient.require();
        Path local = Files.createDirectories(tmp.resolve("local"));
        SmbclientTest.writeRandom(local.resolve("up.bin"), SIZE, 11);
        try (SmbTestServer server = server(Protection.DEFAULT, NetbiosServer.Framing.NBSS, NetbiosServerSettings.NBSS_PORT)) {
            Smbclient.Result result = Smbclient.run(local, server, NetbiosServerSettings.NBSS_PORT, "share",
                    List.of("-U", "alice%" + PASSWORD, "--client-protection=sign", "-m", protocol),
                    "put up.bin; get up.bin down.bin");

            assertThat(result.exit()).as("%s\n%s", result.output(), server.unsuccessfulRequests()).isZero();
            assertThat(SmbclientTest.sha256(server.shareDir.resolve("up.bin"))).isEqualTo(SmbclientTest.sha256(local.resolve("up.bin")));
            assertThat(SmbclientTest.sha256(local.resolve("down.bin"))).isEqualTo(SmbclientTest.sha256(local.resolve("up.bin")));
            assertThat(server.refused("unsigned") + server.refused("bad-signature")).as("requests refused for their signing").isZero();
        }
    }

    @ParameterizedTest(name = "encryption {0}, smbclient {1}")
    @CsvSource({"DESIRED, --client-protection=encrypt", "REQUIRED, --client-protection=sign"})
    void smbclientOnAnEncryptedSessionPutsAndGetsByteExact(Protection.Encryption encryption, String clientProtection) throws Exception {
        Smbclient.require();
        Path local = Files.createDirectories(tmp.resolve("local"));
        SmbclientTest.writeRandom(local.resolve("up.bin"), SIZE, 13);
        try (SmbTestServer server = server(new Protection(Protection.Signing.ENABLED, encryption), NetbiosServer.Framing.NBSS,
                NetbiosServerSettings.NBSS_PORT)) {
            Smbclient.Result result = Smbclient.run(local, server, NetbiosServerSettings.NBSS_PORT, "share",
                    List.of("-U", "alice%" + PASSWORD, clientProtection, "-m", "SMB3_02"), "put up.bin; get up.bin down.bin");

            assertThat(result.exit()).as("%s\n%s", result.output(), server.unsuccessfulRequests()).isZero();
            assertThat(SmbclientTest.sha256(server.shareDir.resolve("up.bin"))).isEqualTo(SmbclientTest.sha256(local.resolve("up.bin")));
            assertThat(SmbclientTest.sha256(local.resolve("down.bin"))).isEqualTo(SmbclientTest.sha256(local.resolve("up.bin")));
            assertThat(server.refused("unencrypted") + server.refused("bad-encryption")).isZero();
        }
    }

    @org.junit.jupiter.api.Test
    void requiredEncryptionRefusesAnSmb21Client() throws Exception {
        Smbclient.require();
        Path local = Files.createDirectories(tmp.resolve("local"));
        try (SmbTestServer server = server(new Protection(Protection.Signing.ENABLED, Protection.Encryption.REQUIRED),
                NetbiosServer.Framing.NBSS, NetbiosServerSettings.NBSS_PORT)) {
            Smbclient.Result result = Smbclient.run(local, server, NetbiosServerSettings.NBSS_PORT, "share",
                    List.of("-U", "alice%" + PASSWORD, "-m", "SMB2_10"), "ls");
            assertThat(result.exit()).as(result.output()).isNotZero();
            assertThat(result.output()).contains("NT_STATUS_ACCESS_DENIED");
            assertThat(server.requests("session_setup", NtStatus.hex(NtStatus.ACCESS_DENIED))).isEqualTo(1);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"2.1, 0x0210", "3.0, 0x0300"})
    void impacketSignsForAServerThatRequiresItAndPutsAndGetsByteExact(String dialect, String code) throws Exception {
        ImpacketSmbTest.needsImpacket();
        Path local = Files.createDirectories(tmp.resolve("local"));
        SmbclientTest.writeRandom(local.resolve("up.bin"), SIZE, 12);
        try (SmbTestServer server = server(new Protection(Protection.Signing.REQUIRED), NetbiosServer.Framing.DIRECT_TCP, 445)) {
            Path script = tmp.resolve("impacket_signed.py");
            try (InputStream in = SignedSmbTest.class.getResourceAsStream("impacket_signed.py")) {
                Files.copy(in, script);
            }
            Path log = tmp.resolve("impacket.log");
            Process process = new ProcessBuilder(server.clientCommand(List.of(PYTHON, script.toString(), server.host, "445", "alice",
                    PASSWORD, local.toString(), dialect))).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            process.getOutputStream().close();
            boolean finished = process.waitFor(120, TimeUnit.SECONDS);
            if (!finished) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(finished).as("impacket finished within 120 s:\n%s", output).isTrue();
            assertThat(output).as(server.unsuccessfulRequests()).contains("DIALECT " + code, "SIGNING True", "DONE")
                    .doesNotContain("Traceback");
            assertThat(output).contains("GET " + SmbclientTest.sha256(local.resolve("up.bin")));
            assertThat(SmbclientTest.sha256(server.shareDir.resolve("up.bin"))).isEqualTo(SmbclientTest.sha256(local.resolve("up.bin")));
            assertThat(server.refused("unsigned") + server.refused("bad-signature")).isZero();
        }
    }

    @ParameterizedTest(name = "dialect {0}")
    @CsvSource({"0x0210", "0x0302"})
    void aForgedOrUnsignedRequestIsRefusedAndTheConnectionCarriesOn(String dialect) throws Exception {
        // a forged request is refused wherever the session signs; an unsigned one where signing is required
        try (SmbTestServer server = server(new Protection(Protection.Signing.REQUIRED), NetbiosServer.Framing.DIRECT_TCP, 445);
                RawSmb2Client client = new RawSmb2Client(server.host, 445).logonAndConnect(Integer.decode(dialect), "alice", PASSWORD,
                        "share")) {
            assertThat(client.create("before.txt", RawSmb2Client.Signature.VALID)).isEqualTo(NtStatus.SUCCESS);

            assertThat(client.create("forged.txt", RawSmb2Client.Signature.TAMPERED)).isEqualTo(NtStatus.ACCESS_DENIED);
            assertThat(client.create("unsigned.txt", RawSmb2Client.Signature.NONE)).isEqualTo(NtStatus.ACCESS_DENIED);
            assertThat(server.shareDir.resolve("forged.txt")).as("the name as signed").doesNotExist();
            assertThat(server.shareDir.resolve("forged.tx" + (char) ('t' ^ 1))).as("the name as altered").doesNotExist();
            assertThat(server.shareDir.resolve("unsigned.txt")).doesNotExist();
            assertThat(server.refused("bad-signature")).isEqualTo(1);
            assertThat(server.refused("unsigned")).isEqualTo(1);

            assertThat(client.create("after.txt", RawSmb2Client.Signature.VALID)).as("the same connection and session, after")
                    .isEqualTo(NtStatus.SUCCESS);
            assertThat(server.shareDir.resolve("before.txt")).exists();
            assertThat(server.shareDir.resolve("after.txt")).exists();
        }
    }

    private SmbTestServer server(Protection protection, NetbiosServer.Framing framing, int port) throws Exception {
        return new SmbTestServer(tmp.resolve("share"), false, "nio", framing, port, accounts, protection);
    }
}
