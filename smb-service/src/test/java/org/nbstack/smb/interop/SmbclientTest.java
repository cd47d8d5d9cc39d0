package org.nbstack.smb.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.netbios.server.NetbiosServerSettings;

/** Samba's smbclient against the file service over the NetBIOS session service on port 139. */
class SmbclientTest {

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSmbclient() {
        Smbclient.require();
    }

    @Test
    void listsGetsAndPutsOverNetbios() throws Exception {
        Path local = Files.createDirectories(tmp.resolve("local"));
        try (SmbTestServer server = new SmbTestServer(tmp.resolve("share"), false)) {
            Files.writeString(server.shareDir.resolve("hello.txt"), "hello");
            Files.writeString(local.resolve("up.txt"), "uploaded");
            Smbclient.Result r = Smbclient.run(local, server.host, NetbiosServerSettings.NBSS_PORT, "share",
                    "ls; get hello.txt; put up.txt");
            assertThat(r.output()).as(r.output()).contains("hello.txt");
            assertThat(r.exit()).as(r.output()).isZero();
            assertThat(local.resolve("hello.txt")).hasContent("hello");
            assertThat(server.shareDir.resolve("up.txt")).hasContent("uploaded");
        }
    }
}
