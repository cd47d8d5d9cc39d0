package org.nbstack.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.smb.auth.Account;
import org.nbstack.smb.auth.AccountFile;
import org.nbstack.smb.auth.NtlmV2;

/** {@code nbstack user}: the account file it writes (atomically, 0600, hashes only) and its one-line errors. */
class UserCommandTest {

    record Result(int status, String out, String err) {
    }

    @TempDir
    Path dir;

    private Result run(String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] all = new String[args.length + 2];
        System.arraycopy(args, 0, all, 0, args.length);
        all[args.length] = "--set";
        all[args.length + 1] = "data-dir=" + dir;
        int status = Main.run(all, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of(), new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void addWritesTheNtHashWithMode0600AndNeverThePassword() throws Exception {
        Result r = run("Pässword 1\n", "user", "add", "alice");
        assertThat(r.status()).as(r.err()).isZero();
        Path file = dir.resolve("users");
        assertThat(r.out()).isEqualTo("added user 'alice' to " + file + "\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        String text = Files.readString(file);
        assertThat(text).doesNotContain("Pässword").contains("alice " + HexFormat.of().formatHex(NtlmV2.ntHash("Pässword 1".toCharArray())) + " enabled");
        assertThat(AccountFile.read(file).get("alice").ntHash()).isEqualTo(NtlmV2.ntHash("Pässword 1".toCharArray()));
        try (var entries = Files.list(dir)) {
            assertThat(entries.map(p -> p.getFileName().toString())).as("no temporary file left").containsExactly("users");
        }
    }

    @Test
    void listShowsNamesAndStatesButNoHashes() throws Exception {
        assertThat(run("one\n", "user", "add", "alice").status()).isZero();
        assertThat(run("two\r\n", "user", "add", "Bob", "--disabled").status()).isZero();
        assertThat(run("", "user", "set", "alice", "locked").status()).isZero();
        Result list = run("", "user", "list");
        assertThat(list.status()).isZero();
        assertThat(list.out()).isEqualTo(String.format("%-24s %s%n%-24s %s%n%-24s %s%n", "NAME", "STATE", "alice", "locked", "Bob", "disabled"));
        assertThat(list.out()).doesNotContain(HexFormat.of().formatHex(NtlmV2.ntHash("one".toCharArray())));
        assertThat(AccountFile.read(dir.resolve("users")).get("bob").ntHash()).as("CR LF ends the line").isEqualTo(NtlmV2.ntHash("two".toCharArray()));
    }

    @Test
    void replacingAPasswordAndRemovingAnAccount() throws Exception {
        run("old\n", "user", "add", "alice");
        Result again = run("new\n", "user", "add", "ALICE");
        assertThat(again.status()).isEqualTo(1);
        assertThat(again.err()).isEqualTo("nbstack user: user 'alice' exists in " + dir.resolve("users") + " (--replace sets a new password)\n");
        assertThat(run("new\n", "user", "add", "ALICE", "--replace").status()).isZero();
        assertThat(AccountFile.read(dir.resolve("users")).get("alice").ntHash()).isEqualTo(NtlmV2.ntHash("new".toCharArray()));
        assertThat(run("", "user", "remove", "Alice").out()).isEqualTo("removed user 'alice' from " + dir.resolve("users") + "\n");
        assertThat(AccountFile.read(dir.resolve("users"))).isEmpty();
    }

    @Test
    void mistakesAreOneLineErrors() throws Exception {
        Result unknown = run("", "user", "remove", "nobody");
        assertThat(unknown.status()).isEqualTo(1);
        assertThat(unknown.err()).isEqualTo("nbstack user: no user 'nobody' in " + dir.resolve("users") + "\n");

        Result badName = run("pw\n", "user", "add", "a:b");
        assertThat(badName.status()).isEqualTo(2);
        assertThat(badName.err()).startsWith("nbstack user: bad user name 'a:b': it must not contain").hasLineCount(1);

        Result noPassword = run("", "user", "add", "carol");
        assertThat(noPassword.status()).isEqualTo(2);
        assertThat(noPassword.err()).startsWith("nbstack user: no password given").hasLineCount(1);
        assertThat(dir.resolve("users")).doesNotExist();

        Result badState = run("", "user", "set", "carol", "sleeping");
        assertThat(badState.status()).isEqualTo(2);
        assertThat(badState.err()).isEqualTo("nbstack user: bad state 'sleeping': it must be enabled, disabled or locked\n");
    }

    @Test
    void aFileThatCannotBeWrittenOrReadIsAClearError() throws Exception {
        Path notADirectory = Files.writeString(dir.resolve("plain"), "x"); // fails for root too, unlike a mode
        Result r = run("pw\n", "user", "add", "alice", "--set", "smb.users-file=" + notADirectory.resolve("users"));
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("nbstack user: cannot write " + notADirectory.resolve("users") + ": ").hasLineCount(1);
        Files.writeString(dir.resolve("users"), "alice 0011 enabled\n");
        Result broken = run("", "user", "list");
        assertThat(broken.status()).isEqualTo(1);
        assertThat(broken.err()).isEqualTo("nbstack user: " + dir.resolve("users") + " is not a valid account file: line 1: the NT hash must be 32 hex digits\n");
    }

    @Test
    void theServersViewReloadsTheFileWhenItChanges() throws Exception {
        AccountFile accounts = new AccountFile(dir.resolve("users"));
        assertThat(accounts.find("alice")).isEmpty();
        run("pw\n", "user", "add", "alice");
        Thread.sleep(1100); // the file is looked at again at most once a second
        assertThat(accounts.find("ALICE")).map(Account::name).contains("alice");
        run("", "user", "set", "alice", "disabled");
        Thread.sleep(1100);
        assertThat(accounts.find("alice")).map(Account::disabled).contains(true);
    }
}
