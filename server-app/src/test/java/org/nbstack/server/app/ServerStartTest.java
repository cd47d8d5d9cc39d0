package org.nbstack.server.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.nbstack.server.testing.TestServers;

class ServerStartTest {

    @Test
    void aListenerThatCannotStartIsSkippedInOneLineWhenNotRequired() {
        var config = TestServers.config("listeners.engine.enabled=true", "listeners.engine.link=bogus://nowhere");
        try (var started = TestServers.start(config)) {
            String[] lines = started.output().split("\n");
            assertThat(lines[0]).startsWith("skipped:   engine transport=engine address=10.139.0.1:139: transport 'engine' unavailable: ")
                    .endsWith("(the other listeners serve; set nbstack.listeners.engine.enabled = false to leave it out)");
            assertThat(lines[1]).isEqualTo("listening: kernel transport=nio address=" + started.kernelAddress()
                    + " names=CHARGEN<20>,DISCARD<20>,ECHO<20>,NBSTACK<20>");
            assertThat(lines[2]).isEqualTo("admin:     http://" + started.adminAddress() + "/ (metrics, healthz, status, netstat, sessions)");
            assertThat(started.server().healthy()).isTrue();
        }
    }

    @Test
    void theDefaultShareDirectoryIsMadeInTheDataDirOnStart(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) {
        java.nio.file.Path dataDir = tmp.resolve("not/yet/there");
        try (var started = TestServers.start(TestServers.config("data-dir=" + dataDir))) {
            assertThat(dataDir.resolve("share")).isDirectory();
        }
    }

    @Test
    void aDataDirThatCannotBeMadeIsOneClearLine(@org.junit.jupiter.api.io.TempDir java.nio.file.Path tmp) throws Exception {
        java.nio.file.Path file = java.nio.file.Files.writeString(tmp.resolve("a-file"), "x");
        var config = TestServers.config("data-dir=" + file.resolve("data"));
        assertThatThrownBy(() -> TestServers.start(config)).isInstanceOf(org.nbstack.config.InvalidConfigException.class)
                .hasMessageStartingWith("nbstack.netbios.names.nbstack: share 'share': cannot make its directory " + file.resolve("data/share"))
                .hasMessageEndingWith("; set nbstack.data-dir or the share's path to a directory nbstack may write")
                .hasMessageNotContaining("\n");
    }

    @Test
    void aRequiredListenerThatCannotStartStopsStartUpAndReleasesWhatStarted() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        // listeners start in key order: "first" takes the port, then "kernel" cannot bind it
        var config = TestServers.config("listeners.first.transport=nio", "listeners.first.bind=127.0.0.1:" + port,
                "listeners.kernel.bind=127.0.0.1:" + port);
        assertThatThrownBy(() -> TestServers.start(config)).isInstanceOf(StartupException.class)
                .hasMessageStartingWith("listener 'kernel' cannot start: cannot listen on ")
                .hasMessageEndingWith("(set nbstack.listeners.kernel.required = false to start without it)");
        try (ServerSocket again = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            assertThat(again.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void anEngineLinkPortInUseSaysSoWithoutThePrivilegedPortHint() throws Exception {
        try (java.net.DatagramSocket busy = new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            var config = TestServers.config("listeners.engine.enabled=true", "listeners.engine.required=true",
                    "listeners.engine.link=udp://127.0.0.1:" + busy.getLocalPort());
            assertThatThrownBy(() -> TestServers.start(config)).isInstanceOf(StartupException.class)
                    .hasMessageContaining("127.0.0.1:" + busy.getLocalPort()).hasMessageContaining("in use")
                    .hasMessageNotContaining("below 1024");
        }
    }

    @Test
    void sessionIdsAreUniqueAcrossListeners() {
        var config = TestServers.config("listeners.second.transport=nio", "listeners.second.bind=127.0.0.1:0");
        try (var started = TestServers.start(config);
                var kernelClient = org.nbstack.server.testing.Clients.client(null);
                var secondClient = org.nbstack.server.testing.Clients.client(null)) {
            var second = started.server().listenerAddress("second").orElseThrow();
            org.nbstack.server.testing.Clients.connect(kernelClient, started.kernelAddress(), "ECHO");
            org.nbstack.server.testing.Clients.connect(secondClient, second.getHostString() + ":" + second.getPort(), "ECHO");

            var rows = started.server().sessions();
            assertThat(rows).extracting(org.nbstack.server.admin.SessionRow::listener).containsExactlyInAnyOrder("kernel", "second");
            assertThat(rows).extracting(row -> row.status().id()).doesNotHaveDuplicates();
        }
    }

    @Test
    void noRunningListenerIsAnError() {
        var config = TestServers.config("listeners.kernel.enabled=false");
        assertThatThrownBy(() -> TestServers.start(config)).isInstanceOf(StartupException.class)
                .hasMessage("no listener is running; enable one under nbstack.listeners");
    }
}
