package org.nbstack.smb.share;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.SmbStatusException;

class SharePathsTest {

    @TempDir
    Path tmp;

    @Test
    void dotDotAndBadCharactersAreInvalidNames() throws Exception {
        SharePaths paths = new SharePaths(Files.createDirectories(tmp.resolve("root")));
        for (String bad : new String[] {"..", "a\\..\\..\\etc", ".", "a\\\\b", "x:y", "a*", "q?", "p|q", "c\u0001", "a/b"}) {
            assertThatThrownBy(() -> paths.resolve(bad)).as(bad).isInstanceOfSatisfying(SmbStatusException.class,
                    e -> assertThat(e.status()).isEqualTo(NtStatus.OBJECT_NAME_INVALID));
        }
    }

    @Test
    void aSymlinkLeadingOutOfTheShareIsRefused() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.writeString(outside.resolve("secret"), "s");
        Files.createSymbolicLink(root.resolve("escape"), outside);
        Files.createSymbolicLink(root.resolve("inside"), Files.createDirectories(root.resolve("real")));
        SharePaths paths = new SharePaths(root);
        assertThatThrownBy(() -> paths.resolve("escape\\secret")).isInstanceOfSatisfying(SmbStatusException.class,
                e -> assertThat(e.status()).isEqualTo(NtStatus.ACCESS_DENIED));
        assertThat(paths.resolve("inside")).isEqualTo(root.resolve("inside"));
    }

    @Test
    void lookupIgnoresCaseAndMissingDirectoriesArePathNotFound() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Files.createDirectories(root.resolve("Docs"));
        Files.writeString(root.resolve("Docs/Report.TXT"), "r");
        SharePaths paths = new SharePaths(root);
        assertThat(paths.resolve("docs\\report.txt")).isEqualTo(root.resolve("Docs/Report.TXT"));
        assertThat(paths.resolve("DOCS\\new.txt")).isEqualTo(root.resolve("Docs/new.txt"));
        assertThatThrownBy(() -> paths.resolve("nodir\\x")).isInstanceOfSatisfying(SmbStatusException.class,
                e -> assertThat(e.status()).isEqualTo(NtStatus.OBJECT_PATH_NOT_FOUND));
    }
}
