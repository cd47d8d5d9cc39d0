package org.nbstack.smb.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.netbios.server.NetbiosServerSettings;

/** Samba's smbclient against the file service over the NetBIOS session service on port 139 (nio transport). */
class SmbclientTest {

    private static final int PORT = NetbiosServerSettings.NBSS_PORT;

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSmbclient() {
        Smbclient.require();
    }

    @Test
    void getAndPutFilesOfEverySizeByteExact() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        int[] sizes = {0, 1, 65536, 20 * 1024 * 1024 + 123};
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false)) {
            StringBuilder commands = new StringBuilder("ls");
            for (int size : sizes) {
                Files.write(server.shareDir.resolve("down" + size), random(size, size));
                Files.write(local.resolve("up" + size), random(size, size + 1));
                commands.append("; get down").append(size).append("; put up").append(size);
            }
            Smbclient.Result r = Smbclient.run(local, server.host, PORT, "share", commands.toString());
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("down65536").doesNotContain("NT_STATUS");
            for (int size : sizes) {
                assertThat(sha256(local.resolve("down" + size))).as("get of %d B", size).isEqualTo(sha256(server.shareDir.resolve("down" + size)));
                assertThat(sha256(server.shareDir.resolve("up" + size))).as("put of %d B", size).isEqualTo(sha256(local.resolve("up" + size)));
            }
        }
    }

    @Test
    void mkdirRenameDeleteRmdirAndAllinfo() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false)) {
            Files.writeString(server.shareDir.resolve("a.txt"), "contents");
            Files.writeString(server.shareDir.resolve("gone.txt"), "x");
            Smbclient.Result r = Smbclient.run(local, server.host, PORT, "share",
                    "mkdir newdir; mkdir olddir; rmdir olddir; rename a.txt newdir\\b.txt; del gone.txt; allinfo newdir\\b.txt");
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).doesNotContain("NT_STATUS").contains("write_time").contains("stream: [::$DATA], 8 bytes");
            assertThat(server.shareDir.resolve("newdir")).isDirectory();
            assertThat(server.shareDir.resolve("olddir")).doesNotExist();
            assertThat(server.shareDir.resolve("newdir/b.txt")).hasContent("contents");
            assertThat(server.shareDir.resolve("a.txt")).doesNotExist();
            assertThat(server.shareDir.resolve("gone.txt")).doesNotExist();
        }
    }

    @Test
    void aDirectoryOfFiveThousandEntriesIsListedCompletely() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false)) {
            Path big = Files.createDirectories(server.shareDir.resolve("big"));
            for (int i = 0; i < 5000; i++) {
                Files.writeString(big.resolve(String.format("entry-%05d.dat", i)), "");
            }
            Smbclient.Result r = Smbclient.run(local, server.host, PORT, "share", "ls big\\*");
            assertThat(r.exit()).as(r.output().substring(0, Math.min(2000, r.output().length()))).isZero();
            long listed = r.output().lines().filter(line -> line.trim().startsWith("entry-")).distinct().count();
            assertThat(listed).isEqualTo(5000);
            assertThat(server.requests("query_directory", "0x00000000")).as("the listing took several queries").isGreaterThan(1);
        }
    }

    @Test
    void aReadOnlyShareRefusesPutAndStillServesGet() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), true)) {
            Files.writeString(server.shareDir.resolve("r.txt"), "read me");
            Files.writeString(local.resolve("w.txt"), "write me");
            Smbclient.Result r = Smbclient.run(local, server.host, PORT, "share", "get r.txt; put w.txt");
            assertThat(local.resolve("r.txt")).hasContent("read me");
            assertThat(r.output()).contains("NT_STATUS_ACCESS_DENIED");
            assertThat(server.shareDir.resolve("w.txt")).doesNotExist();
        }
    }

    @Test
    void aShareThatDoesNotExistIsBadNetworkName() throws Exception {
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false)) {
            Smbclient.Result r = Smbclient.run(tmp, server.host, PORT, "nosuch", "ls");
            assertThat(r.output()).contains("NT_STATUS_BAD_NETWORK_NAME");
            assertThat(r.exit()).isNotZero();
        }
    }

    @Test
    void lsGetAndPutOverDirectTcp445ByteExact() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        int[] sizes = {0, 1, 65536, 5 * 1024 * 1024 + 7};
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false, org.nbstack.netbios.server.NetbiosServer.Framing.DIRECT_TCP, 445)) {
            StringBuilder commands = new StringBuilder("ls");
            for (int size : sizes) {
                Files.write(server.shareDir.resolve("down" + size), random(size, size));
                Files.write(local.resolve("up" + size), random(size, size + 1));
                commands.append("; get down").append(size).append("; put up").append(size);
            }
            Smbclient.Result r = Smbclient.run(local, server.host, 445, "share", commands.toString());
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(r.output()).contains("down65536").doesNotContain("NT_STATUS");
            for (int size : sizes) {
                assertThat(sha256(local.resolve("down" + size))).as("get of %d B", size).isEqualTo(sha256(server.shareDir.resolve("down" + size)));
                assertThat(sha256(server.shareDir.resolve("up" + size))).as("put of %d B", size).isEqualTo(sha256(local.resolve("up" + size)));
            }
            assertThat(server.server.sessions()).as("direct sessions are the server's sessions while they last").isEmpty();
            assertThat(server.requests("negotiate", "0x00000000")).isEqualTo(1);
        }
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
