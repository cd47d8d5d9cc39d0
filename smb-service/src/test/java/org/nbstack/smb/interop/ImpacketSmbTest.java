package org.nbstack.smb.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * impacket's {@code SMBConnection} (python3-impacket) against the file service on port 139: createDirectory,
 * deleteDirectory, putFile, listPath, getFile, deleteFile and rename, on nio, epoll and the engine over TUN (impacket
 * then runs in the test's network namespace). The script, {@code impacket_files.py}, prints one line per step.
 */
class ImpacketSmbTest {

    // Debian's python3-impacket lives in the system interpreter; a python3 earlier on the PATH may not see it.
    private static final String PYTHON = "/usr/bin/python3";
    private static final int UPLOAD = 200_000; // several 64 KiB WRITEs and a short last one

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsImpacket() throws Exception {
        try {
            Process p = new ProcessBuilder(PYTHON, "-c", "import impacket.smbconnection").redirectErrorStream(true).start();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException notThere) {
            // below
        }
        Assumptions.abort(PYTHON + " with impacket is not installed (Debian: apt-get install python3-impacket)");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"nio", "epoll", "engine"})
    void impacketManagesFilesAndDirectories(String transport) throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        SmbclientTest.writeRandom(local.resolve("up.bin"), UPLOAD, 7);
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false, transport)) {
            SmbclientTest.writeRandom(server.shareDir.resolve("down.bin"), 300_001, 8);
            Files.writeString(server.shareDir.resolve("gone.txt"), "delete me");

            String output = run(server, local);

            assertThat(output).contains("DONE").doesNotContain("Traceback");
            assertThat(output).as("impacket offers SMB 2.002 alone on port 139").contains("DIALECT 0x0202");
            assertThat(output).contains("LIST made up.bin " + UPLOAD + " file", "LIST root made 0 dir", "LIST root down.bin 300001 file",
                    "LIST root gone.txt 9 file");
            assertThat(output).as("the empty directory was removed before the listing").doesNotContain("LIST made empty");
            assertThat(output).contains("GET down.bin " + SmbclientTest.sha256(server.shareDir.resolve("down.bin")));
            assertThat(output).contains("AFTER DEL STATUS_OBJECT_NAME_NOT_FOUND");
            assertThat(server.shareDir.resolve("gone.txt")).doesNotExist();
            assertThat(server.shareDir.resolve("made/empty")).doesNotExist();
            assertThat(server.shareDir.resolve("made/up.bin")).doesNotExist();
            assertThat(SmbclientTest.sha256(server.shareDir.resolve("made/renamed.bin"))).as("putFile byte-exact, then renamed")
                    .isEqualTo(SmbclientTest.sha256(local.resolve("up.bin")));
        }
    }

    private String run(SmbTestServer server, Path local) throws Exception {
        Path script = tmp.resolve("impacket_files.py");
        try (InputStream in = ImpacketSmbTest.class.getResourceAsStream("impacket_files.py")) {
            Files.copy(in, script);
        }
        List<String> command = new ArrayList<>(server.clientCommand(List.of(PYTHON, script.toString(), "SERVER", server.host, "139", "share",
                local.toString())));
        Path log = tmp.resolve("impacket.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        process.getOutputStream().close();
        boolean finished = process.waitFor(120, TimeUnit.SECONDS);
        if (!finished) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(finished).as("impacket finished within 120 s; it said:\n%s", output).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
