package org.nbstack.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code nbstack.data-dir} and {@code nbstack.smb.shares}: the defaults, the template, and one clear line per mistake. */
class ShareConfigTest {

    @TempDir
    Path dir;

    @Test
    void outOfTheBoxOneReadOnlyGuestShareCalledShareLivesInTheXdgDataDir() {
        NbstackConfig config = ConfigLoader.create().environment(Map.of("XDG_DATA_HOME", dir.toString())).load().config();

        assertThat(config.dataDir()).isEqualTo(dir.resolve("nbstack"));
        assertThat(config.smb().shares()).containsExactly(new ShareSettings("share", dir.resolve("nbstack/share"), true, true, true));
        assertThat(config.netbios().names()).filteredOn(n -> n.name().equals("NBSTACK")).singleElement()
                .extracting(NameSettings::handler).isEqualTo("smb");
    }

    @Test
    void withoutXdgDataHomeTheDataDirIsUnderTheHomeDirectory() {
        NbstackConfig config = ConfigLoader.create().load().config();
        assertThat(config.dataDir()).isEqualTo(Path.of(System.getProperty("user.home"), ".local/share/nbstack").toAbsolutePath());
    }

    @Test
    void sharesTakeTheTemplateFieldsAndPathsResolveAgainstTheDataDir() throws IOException {
        Path srv = Files.createDirectories(dir.resolve("srv"));
        NbstackConfig config = load(Map.of("data-dir", dir.resolve("data").toString(),
                "smb.shares.share.enabled", "false",
                "smb.shares.public.path", "pub/lic",
                "smb.shares.Srv.path", srv.toString(), "smb.shares.Srv.read-only", "false", "smb.shares.Srv.guest-ok", "false"));

        assertThat(config.smb().shares()).containsExactly(
                new ShareSettings("Srv", srv, false, false, false),
                new ShareSettings("public", dir.resolve("data/pub/lic"), true, true, false));
    }

    @Test
    void anAbsolutePathMustBeAnExistingDirectory() throws IOException {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        assertThatThrownBy(() -> load(Map.of("smb.shares.public.path", dir.resolve("nowhere").toString())))
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("configuration key 'nbstack.smb.shares.public.path' = \"" + dir.resolve("nowhere")
                        + "\" (from command line --set nbstack.smb.shares.public.path) is not valid: it must be an existing directory (nothing is there)");
        assertThatThrownBy(() -> load(Map.of("smb.shares.public.path", file.toString())))
                .hasMessageEndingWith("is not valid: it must be an existing directory (it is not a directory)");
    }

    @Test
    void aShareDirectoryInsideTheDataDirThatIsAFileIsRefused() throws IOException {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/share"), "x");
        assertThatThrownBy(() -> load(Map.of("data-dir", dir.resolve("data").toString())))
                .hasMessage("configuration key 'nbstack.smb.shares.share' is not valid: its directory " + dir.resolve("data/share")
                        + " exists and is not a directory")
                .hasMessageNotContaining("\n");
    }

    @Test
    void shareNamesFollowTheWindowsRules() {
        assertBadName("\"a,b\"", "is not a valid share name: it must be free of control characters and of \"/\\[]:|<>+=;,*?");
        assertBadName("\"a b\"", null);
        assertBadName("\"IPC$\"", "is not a valid share name: it must be other than IPC$, which the server always serves itself");
        assertBadName("x".repeat(81), "is not a valid share name: it must be 1..80 characters");
        assertBadName("\" lead\"", "is not a valid share name: it must be without leading or trailing spaces");
        assertBadName("\"hidden$\"", null);
    }

    @Test
    void twoSharesWhoseNamesDifferOnlyInCaseAreRefused() throws IOException {
        Path file = Files.writeString(dir.resolve("two.conf"), "nbstack.smb.shares { Public {}, public {} }\n");
        assertThatThrownBy(() -> ConfigLoader.create().file(file).environment(Map.of("XDG_DATA_HOME", dir.toString())).load())
                .hasMessage("configuration key 'nbstack.smb.shares.public' names the same share as 'Public': share names ignore case");
    }

    @Test
    void anUnknownShareFieldSuggestsTheRightOne() {
        assertThatThrownBy(() -> load(Map.of("smb.shares.share.readonly", "true")))
                .hasMessageStartingWith("unknown configuration key 'nbstack.smb.shares.share.readonly'")
                .hasMessageContaining("did you mean 'nbstack.smb.shares.share.read-only'?");
    }

    @Test
    void signingIsEnabledByDefaultRequiredOnRequestAndNothingElse() {
        assertThat(load(Map.of()).smb().signing()).isEqualTo(FileServiceSettings.Signing.ENABLED);
        assertThat(load(Map.of("smb.signing", "required")).smb().signing()).isEqualTo(FileServiceSettings.Signing.REQUIRED);
        assertThatThrownBy(() -> load(Map.of("smb.signing", "mandatory")))
                .hasMessageStartingWith("configuration key 'nbstack.smb.signing' = \"mandatory\"")
                .hasMessageEndingWith("it must be one of enabled, required");
        assertThat(load(Map.of()).smb().encryption()).isEqualTo(FileServiceSettings.Encryption.OFF);
        assertThat(load(Map.of("smb.encryption", "desired")).smb().encryption()).isEqualTo(FileServiceSettings.Encryption.DESIRED);
        assertThatThrownBy(() -> load(Map.of("smb.encryption", "on"))).hasMessageEndingWith("it must be one of off, desired, required");
    }

    @Test
    void anSmbDirectListenerNeedsADefaultName() {
        assertThatThrownBy(() -> load(Map.of("listeners.kernel.protocol", "smb-direct", "netbios.default-name", "")))
                .hasMessageStartingWith("configuration key 'nbstack.listeners.kernel.protocol' = \"smb-direct\"")
                .hasMessageEndingWith("it must be nbss while nbstack.netbios.default-name is \"\" (smb-direct serves the default name)");
        assertThatThrownBy(() -> load(Map.of("listeners.kernel.protocol", "smb")))
                .hasMessageEndingWith("it must be one of nbss, smb-direct");
    }

    private void assertBadName(String quotedName, String expectedEnding) {
        Map<String, String> set = Map.of("smb.shares." + quotedName + ".path", "x");
        if (expectedEnding == null) {
            assertThat(load(set).smb().shares()).hasSize(2);
        } else {
            assertThatThrownBy(() -> load(set)).isInstanceOf(InvalidConfigException.class)
                    .hasMessageStartingWith("configuration key 'nbstack.smb.shares." + quotedName + "'")
                    .hasMessageEndingWith(expectedEnding);
        }
    }

    private NbstackConfig load(Map<String, String> overrides) {
        return ConfigLoader.create().environment(Map.of("XDG_DATA_HOME", dir.toString())).overrides(overrides).load().config();
    }

    @Test
    void accessListsAccountsAndMapToGuest() {
        NbstackConfig config = load(Map.of("data-dir", dir.toString(), "smb.shares.share.enabled", "false",
                "smb.shares.team.valid-users", "alice,Bob", "smb.shares.team.read-list", "bob", "smb.shares.team.write-list", "carol",
                "smb.map-to-guest", "bad-user", "smb.users-file", "etc/accounts"));
        assertThat(config.smb().shares()).containsExactly(new ShareSettings("team", dir.resolve("team"), true, true, false,
                java.util.List.of("alice", "Bob"), java.util.List.of("bob"), java.util.List.of("carol")));
        assertThat(config.smb().mapToGuest()).isEqualTo(FileServiceSettings.MapToGuest.BAD_USER);
        assertThat(config.smb().usersFile()).isEqualTo(dir.resolve("etc/accounts"));

        NbstackConfig defaults = load(Map.of("data-dir", dir.toString()));
        assertThat(defaults.smb().usersFile()).isEqualTo(dir.resolve("users"));
        assertThat(defaults.smb().mapToGuest()).isEqualTo(FileServiceSettings.MapToGuest.NEVER);

        assertThatThrownBy(() -> load(Map.of("data-dir", dir.toString(), "smb.shares.team.valid-users", "ali ce")))
                .hasMessageContaining("nbstack.smb.shares.team.valid-users").hasMessageContaining("a list of user names");
        assertThatThrownBy(() -> load(Map.of("data-dir", dir.toString(), "smb.map-to-guest", "bad-password")))
                .hasMessageContaining("nbstack.smb.map-to-guest").hasMessageContaining("one of never, bad-user");
    }
}
