package org.nbstack.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    @Test
    void theDefaultsServeOnTheEngineOverUdpAndOnTheKernelOnLoopback() {
        NbstackConfig config = ConfigLoader.create().load().config();

        assertThat(config.listeners()).extracting(ListenerConfig::name).containsExactly("engine", "kernel");
        ListenerConfig engine = config.listeners().get(0);
        assertThat(engine.transport()).isEqualTo("engine");
        assertThat(engine.required()).isFalse();
        assertThat(engine.bind()).isEqualTo(new HostPort("10.139.0.1", 139));
        assertThat(engine.allTransportOptions()).containsEntry("addresses", "10.139.0.1")
                .containsEntry("link", "udp://127.0.0.1:11390?peer.10.139.0.2=127.0.0.1:11391").containsEntry("threads", "1");
        ListenerConfig kernel = config.listeners().get(1);
        assertThat(kernel.transport()).isEqualTo("nio");
        assertThat(kernel.required()).isTrue();
        assertThat(kernel.bind()).isEqualTo(new HostPort("127.0.0.1", 1139));
        assertThat(config.admin().bind()).isEqualTo(new HostPort("127.0.0.1", 9139));
        assertThat(config.engine().tcp().timeWait()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.engine().tcp().windowScale()).isEqualTo(-1);
        assertThat(config.engine().tcp().receiveBuffer()).isEqualTo(1 << 20);
        assertThat(config.engine().ephemeralPorts()).isEqualTo(new PortRange(32768, 60999));
        assertThat(config.netbios().session().overflowPolicy()).isEqualTo(SessionQueueSettings.Overflow.DROP_NEWEST);
        assertThat(config.netbios().names()).extracting(NameSettings::name).contains("ECHO", "DISCARD", "CHARGEN", "NBSTACK");
        assertThat(config.netbios().defaultName()).contains("NBSTACK");
        assertThat(config.logging().format()).isEqualTo(LoggingSettings.Format.TEXT);
    }

    @Test
    void aFileOverridesTheDefaultsAndNewEntriesTakeTheTemplateFields() throws IOException {
        Path file = write("""
                nbstack.netbios.max-sessions = 7
                nbstack.listeners.extra { transport = epoll, bind = "127.0.0.1:2139" }
                nbstack.netbios.names.files { handler = discard, suffix = 0x20, allowed-callers = ["ALICE"] }
                """.replace("0x20", "32"));
        NbstackConfig config = ConfigLoader.create().file(file).load().config();

        assertThat(config.netbios().maxSessions()).isEqualTo(7);
        ListenerConfig extra = config.listeners().stream().filter(l -> l.name().equals("extra")).findFirst().orElseThrow();
        assertThat(extra.threads()).isEqualTo(1);
        assertThat(extra.enabled()).isTrue();
        NameSettings files = config.netbios().names().stream().filter(n -> n.key().equals("files")).findFirst().orElseThrow();
        assertThat(files.name()).isEqualTo("FILES");
        assertThat(files.allowedCallers()).containsExactly("ALICE");
        assertThat(files.retarget()).isEmpty();
    }

    @Test
    void theCommandLineBeatsTheEnvironmentWhichBeatsTheFile() throws IOException {
        Path file = write("""
                nbstack.netbios.max-sessions = 1
                nbstack.netbios.backlog = 1
                nbstack.admin.threads = 1
                """);
        LoadedConfig loaded = ConfigLoader.create().file(file)
                .environment(Map.of("NBSTACK_NETBIOS_MAX_SESSIONS", "2", "NBSTACK_NETBIOS_BACKLOG", "2", "PATH", "/bin"))
                .overrides(Map.of("netbios.max-sessions", "3"))
                .load();

        assertThat(loaded.config().netbios().maxSessions()).isEqualTo(3);
        assertThat(loaded.config().netbios().backlog()).isEqualTo(2);
        assertThat(loaded.config().admin().threads()).isEqualTo(1);
        assertThat(loaded.config().admin().backlog()).isEqualTo(16);
    }

    @Test
    void printConfigNamesWhereEachValueCameFrom() throws IOException {
        Path file = write("""
                # a comment
                nbstack.admin.threads = 1
                """);
        LoadedConfig loaded = ConfigLoader.create().file(file)
                .environment(Map.of("NBSTACK_NETBIOS_BACKLOG", "5"))
                .overrides(Map.of("nbstack.netbios.max-sessions", "3"))
                .load();

        assertThat(origin(loaded, "nbstack.admin.threads")).isEqualTo(file + ":2");
        assertThat(origin(loaded, "nbstack.netbios.backlog")).isEqualTo("env NBSTACK_NETBIOS_BACKLOG");
        assertThat(origin(loaded, "nbstack.netbios.max-sessions")).isEqualTo("command line --set nbstack.netbios.max-sessions");
        assertThat(origin(loaded, "nbstack.admin.backlog")).matches("reference\\.conf:\\d+");
        assertThat(origin(loaded, "nbstack.listeners.kernel.threads")).matches("reference\\.conf:\\d+");
        assertThat(loaded.render()).contains("nbstack.netbios.max-sessions = \"3\"  # command line --set nbstack.netbios.max-sessions");
    }

    @Test
    void environmentVariablesCanNameKeysThatExistNowhereYet() {
        NbstackConfig config = ConfigLoader.create().environment(Map.of(
                "NBSTACK_LISTENERS_SPARE_TRANSPORT", "nio", "NBSTACK_LISTENERS_SPARE_BIND", "127.0.0.1:0",
                "NBSTACK_LISTENERS_KERNEL_ENABLED", "false", "NBSTACK_JAVA_OPTS", "-Xmx1g")).load().config();

        assertThat(config.enabledListeners()).extracting(ListenerConfig::name).containsExactly("engine", "spare");
    }

    @Test
    void anUnknownKeyIsRejectedWithTheNearestValidKey() throws IOException {
        Path file = write("nbstack.netbios.max-sesions = 10\n");
        assertThatThrownBy(() -> ConfigLoader.create().file(file).load())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("unknown configuration key 'nbstack.netbios.max-sesions' (from " + file
                        + ":1); did you mean 'nbstack.netbios.max-sessions'?");
    }

    @Test
    void aTypoInAListenerSectionIsRefusedInsteadOfStartingANewListener() {
        assertThatThrownBy(() -> ConfigLoader.create().override("listeners.kernal.bind", "127.0.0.1:2139").load())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("listener 'nbstack.listeners.kernal' (from command line --set nbstack.listeners.kernal.bind) names no transport; "
                        + "did you mean 'nbstack.listeners.kernel'?");
        assertThatThrownBy(() -> ConfigLoader.create().override("listeners.spare.bind", "127.0.0.1:2139").load())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageEndingWith("names no transport; a new listener needs nbstack.listeners.spare.transport = nio, epoll or engine");
    }

    @Test
    void anUnknownFieldOfAListenerSuggestsTheListenersField() {
        assertThatThrownBy(() -> ConfigLoader.create().overrides(Map.of("listeners.kernel.thread", "2")).load())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("unknown configuration key 'nbstack.listeners.kernel.thread'")
                .hasMessageContaining("did you mean 'nbstack.listeners.kernel.threads'?");
    }

    @Test
    void anUnknownEnvironmentVariableIsRejectedWithItsName() {
        assertThatThrownBy(() -> ConfigLoader.create().environment(Map.of("NBSTACK_ADMIN_BIMD", "127.0.0.1:1")).load())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessage("unknown configuration key 'nbstack.admin.bimd' (from env NBSTACK_ADMIN_BIMD); did you mean 'nbstack.admin.bind'?");
    }

    @Test
    void aKeyFarFromEveryValidKeyPointsToPrintConfig() throws IOException {
        Path file = write("colour = blue\n");
        assertThatThrownBy(() -> ConfigLoader.create().file(file).load())
                .hasMessage("unknown configuration key 'colour' (from " + file + ":1); nbstack --print-config lists the valid keys");
    }

    @Test
    void eachBadValueNamesTheKeyTheValueItsOriginAndWhatIsAllowed() {
        assertBad("netbios.session-request-timeout", "soon",
                "configuration key 'nbstack.netbios.session-request-timeout' = \"soon\" (from command line --set nbstack.netbios.session-request-timeout) is not valid: it must be a duration 1ms..1h such as 500ms, 30s or 2m");
        assertBad("netbios.max-sessions", "-1", "it must be a whole number 0..1000000");
        assertBad("engine.tcp.mss", "70000", "it must be a whole number 88..65495");
        assertBad("engine.tcp.receive-buffer", "2GiB", "it must be a size 176B..1GiB such as 512KiB or 1MiB");
        assertBad("engine.tcp.timestamps", "maybe", "it must be true or false");
        assertBad("engine.tcp.window-scale", "15", "it must be a whole number 0..14");
        assertBad("engine.tcp.delayed-ack", "1s", "it must be a duration 0s..500ms");
        assertBad("engine.ephemeral-ports", "80-90", "it must be low-high with 1024 <= low <= high <= 65535");
        assertBad("engine.tcp.rto-initial", "150ms", "it must be between rto-min (200ms) and rto-max (120000ms)");
        assertBad("engine.memory-limit", "10KiB", "it must be at least min-receive-memory + min-send-memory (16384 octets)");
        assertBad("netbios.session.overflow-policy", "block", "it must be one of drop-newest, close-session");
        assertBad("netbios.session.memory-budget", "1KiB", "it must be at least the larger of inbound-max-bytes and outbound-max-bytes");
        assertBad("netbios.names.echo.name", "A-NAME-LONGER-THAN-15", "it must be a NetBIOS name of 1..15 ISO-8859-1 characters");
        assertBad("netbios.names.echo.suffix", "256", "it must be a whole number 0..255");
        assertBad("listeners.kernel.bind", "localhost", "it must be host:port with a port 0..65535, e.g. 127.0.0.1:1139");
        assertBad("admin.bind", "127.0.0.1:70000", "it must be host:port");
        assertBad("logging.format", "xml", "it must be one of text, json");
        assertBad("engine.tcp.congestion-control", "bbr", "it must be one of cubic, newreno");
        assertBad("logging.level", "LOUD", "it must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF");
    }

    @Test
    void congestionControlDefaultsToCubicAndNewRenoCanBeChosen() {
        assertThat(ConfigLoader.create().load().config().engine().tcp().congestionControl())
                .isEqualTo(TcpSettings.CongestionControl.CUBIC);
        assertThat(ConfigLoader.create().override("engine.tcp.congestion-control", "newreno").load().config().engine()
                .tcp().congestionControl()).isEqualTo(TcpSettings.CongestionControl.NEWRENO);
    }

    @Test
    void perSourceLimitsDefaultBelowTheServerWideOnesAndRefuseBadValues() {
        NetbiosSettings netbios = ConfigLoader.create().load().config().netbios();
        assertThat(netbios.maxSessionsPerSource()).as("a quarter of max-sessions").isEqualTo(256).isLessThan(netbios.maxSessions());
        assertThat(netbios.maxPendingPerSource()).as("an eighth of max-pending-connections").isEqualTo(32)
                .isLessThan(netbios.maxPendingConnections());
        assertThat(ConfigLoader.create().override("netbios.max-sessions-per-source", "0").load().config().netbios()
                .maxSessionsPerSource()).as("0 turns it off").isZero();
        assertBad("netbios.max-sessions-per-source", "-1", "it must be a whole number 0..1000000");
        assertBad("netbios.max-pending-per-source", "many", "it must be a whole number 0..1000000");
    }

    @Test
    void aMissingOrBrokenFileIsOneLine() throws IOException {
        Path missing = dir.resolve("nope.conf");
        assertThatThrownBy(() -> ConfigLoader.create().file(missing).load())
                .hasMessage("configuration file " + missing + " does not exist or cannot be read");
        Path broken = write("nbstack {\n  admin.bind = \n");
        assertThatThrownBy(() -> ConfigLoader.create().file(broken).load())
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageStartingWith("configuration file " + broken + " cannot be parsed: ")
                .hasMessageNotContaining("\n");
    }

    @Test
    void loadingNeverWritesTheOperatorsFile() throws Exception {
        Path file = write("nbstack.netbios.max-sessions = 9 # the operator's own setting\n");
        byte[] before = Files.readAllBytes(file);
        // A time long past instead of a sleep: any write, however soon, moves it to now.
        var modified = java.nio.file.attribute.FileTime.from(java.time.Instant.parse("2001-01-01T00:00:00Z"));
        Files.setLastModifiedTime(file, modified);

        ConfigLoader.create().file(file).overrides(Map.of("netbios.max-sessions", "100")).load().render();

        assertThat(Files.readAllBytes(file)).isEqualTo(before);
        assertThat(Files.getLastModifiedTime(file)).isEqualTo(modified);
    }

    private void assertBad(String key, String value, String expected) {
        assertThatThrownBy(() -> ConfigLoader.create().override(key, value).load())
                .as(key + " = " + value)
                .isInstanceOf(InvalidConfigException.class)
                .hasMessageContaining("'nbstack." + key + "'")
                .hasMessageContaining(expected)
                .hasMessageNotContaining("\n");
    }

    private static String origin(LoadedConfig loaded, String key) {
        return loaded.effective().stream().filter(v -> v.key().equals(key)).findFirst().orElseThrow(
                () -> new AssertionError(key + " is not in the effective config")).origin();
    }

    private Path write(String text) throws IOException {
        Path file = Files.createTempFile(dir, "nbstack", ".conf");
        Files.writeString(file, text);
        return file;
    }
}
