package org.nbstack.smb.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;

/**
 * Samba's smbclient against the file service over the NetBIOS session service on port 139 and over direct TCP on port
 * 445: on the kernel's TCP through the nio and epoll transports, and on the engine over a TUN device with smbclient in
 * the test's network namespace.
 */
class SmbclientTest {

    private static final int PORT = NetbiosServerSettings.NBSS_PORT;

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSmbclient() {
        Smbclient.require();
    }

    /** 100 MiB once per transport: many 64 KiB READs and WRITEs in flight under smbclient's credits, hash compared. */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nio", "epoll", "engine"})
    void getAndPutFilesOfEverySizeByteExact(String transport) throws Exception {
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false, transport)) {
            getAndPutFilesOfEverySize(server, PORT);
        }
    }

    /** The same over direct TCP on port 445 (MS-SMB2 2.1: 4-octet framing, no NetBIOS session request). */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nio", "epoll", "engine"})
    void getAndPutFilesOfEverySizeByteExactOverDirectTcp445(String transport) throws Exception {
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false, transport, NetbiosServer.Framing.DIRECT_TCP, 445)) {
            getAndPutFilesOfEverySize(server, 445);
            assertThat(server.requests("negotiate", "0x00000000")).as("one connection, one NEGOTIATE").isEqualTo(1);
        }
    }

    /** {@code ls}, then {@code get} and {@code put} of 0 B, 1 B, 64 KiB and 100 MiB in one smbclient run, hash compared. */
    private void getAndPutFilesOfEverySize(SmbTestServer server, int port) throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        long[] sizes = {0, 1, 65536, 100L * 1024 * 1024};
        StringBuilder commands = new StringBuilder("ls");
        for (long size : sizes) {
            writeRandom(server.shareDir.resolve("down" + size), size, size);
            writeRandom(local.resolve("up" + size), size, size + 1);
            commands.append("; get down").append(size).append("; put up").append(size);
        }
        Smbclient.Result r = Smbclient.run(local, server, port, "share", commands.append("; ls up*").toString());
        assertThat(r.exit()).as("%s\n%s", r.output(), server.unsuccessfulRequests()).isZero();
        assertThat(r.output()).doesNotContain("NT_STATUS");
        for (long size : sizes) {
            assertThat(r.output()).as("ls shows each file with its size").containsPattern("down" + size + " +A +" + size + " ")
                    .containsPattern("up" + size + " +A +" + size + " ");
            assertThat(sha256(local.resolve("down" + size))).as("get of %d B", size).isEqualTo(sha256(server.shareDir.resolve("down" + size)));
            assertThat(sha256(server.shareDir.resolve("up" + size))).as("put of %d B", size).isEqualTo(sha256(local.resolve("up" + size)));
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nio", "epoll", "engine"})
    void mkdirRenameDeleteRmdirAndAllinfo(String transport) throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false, transport)) {
            Files.writeString(server.shareDir.resolve("a.txt"), "contents");
            Files.writeString(server.shareDir.resolve("gone.txt"), "x");
            Smbclient.Result r = Smbclient.run(local, server, "share",
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

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nio", "epoll", "engine"})
    void aDirectoryOfFiveThousandEntriesIsListedCompletely(String transport) throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false, transport)) {
            Path big = Files.createDirectories(server.shareDir.resolve("big"));
            for (int i = 0; i < 5000; i++) {
                Files.writeString(big.resolve(String.format("entry-%05d.dat", i)), "");
            }
            Smbclient.Result r = Smbclient.run(local, server, "share", "ls big\\*");
            assertThat(r.exit()).as(r.output().substring(0, Math.min(2000, r.output().length()))).isZero();
            long listed = r.output().lines().filter(line -> line.trim().startsWith("entry-")).distinct().count();
            assertThat(listed).isEqualTo(5000);
            assertThat(server.requests("query_directory", "0x00000000")).as("the listing took several queries").isGreaterThan(1);
        }
    }

    /**
     * Several enumerations of one directory at once, each on its own connection and open: every one lists all 5,000
     * entries (each open has its own cursor) and none waits for another beyond the I/O bound.
     */
    @Test
    void threeClientsListingFiveThousandEntriesAtOnceEachSeeThemAll() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false)) {
            Path big = Files.createDirectories(server.shareDir.resolve("big"));
            for (int i = 0; i < 5000; i++) {
                Files.createFile(big.resolve(String.format("entry-%05d.dat", i)));
            }
            List<Future<Smbclient.Result>> listings = new ArrayList<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < 3; c++) {
                    listings.add(clients.submit(() -> Smbclient.run(local, server, "share", "ls big\\*")));
                }
            }
            for (Future<Smbclient.Result> listing : listings) {
                Smbclient.Result r = listing.get();
                assertThat(r.exit()).as(r.output().substring(0, Math.min(2000, r.output().length()))).isZero();
                assertThat(r.output().lines().filter(line -> line.trim().startsWith("entry-")).distinct().count()).isEqualTo(5000);
            }
            assertThat(server.requests("query_directory", "0x80000006")).as("each enumeration ended with NO_MORE_FILES").isEqualTo(3);
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

    /** A FIFO in the share is listed, its get refused with ACCESS_DENIED at once, and the get after it served. */
    @Test
    void aFifoInTheShareIsListedAndRefusedWithoutBlocking() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false)) {
            Process mkfifo = new ProcessBuilder("mkfifo", server.shareDir.resolve("pipe").toString()).redirectErrorStream(true).start();
            assertThat(mkfifo.waitFor(30, TimeUnit.SECONDS) && mkfifo.exitValue() == 0).as("mkfifo").isTrue();
            Files.writeString(server.shareDir.resolve("after.txt"), "served");
            Smbclient.Result r = Smbclient.run(local, server.host, PORT, "share", "ls; get pipe; get after.txt");
            assertThat(r.output()).containsPattern("pipe +A +0 ").contains("NT_STATUS_ACCESS_DENIED opening remote file \\pipe");
            assertThat(local.resolve("after.txt")).hasContent("served");
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

    /** {@code size} seeded random bytes, written in 1 MiB pieces (real bytes: nothing sparse). */
    static void writeRandom(Path file, long size, long seed) throws IOException {
        Random random = new Random(seed);
        byte[] chunk = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            for (long left = size; left > 0; left -= chunk.length) {
                random.nextBytes(chunk);
                out.write(chunk, 0, (int) Math.min(left, chunk.length));
            }
        }
    }

    static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    static String sha256(Path file) throws Exception {
        MessageDigest digest = MessageDigest.getInstance("SHA-256");
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
