package org.nbstack.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.config.LoggingSettings;
import org.nbstack.server.logging.LoggingSetup;
import org.nbstack.server.testing.Http;
import org.nbstack.server.testing.TestServers;

/**
 * The server as configured out of the box, reached by Samba's smbclient on port 139 of a loopback address of its own
 * (127.x.y.z at random, so no other test's port 139 collides): the default name serves the share {@code share} from
 * the data dir, its smb_* meters are on the admin endpoint's /metrics, and its log lines name the client as host:port.
 */
class SmbServedOutOfTheBoxTest {

    private final PrintStream originalErr = System.err;

    @TempDir
    Path dataDir;

    @BeforeAll
    static void needsSmbclient() throws Exception {
        Process p = new ProcessBuilder("smbclient", "--version").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("smbclient (Debian package smbclient) runs").isTrue();
    }

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        LoggingSetup.apply(new LoggingSettings(LoggingSettings.Format.TEXT, "INFO", Map.of()));
    }

    @Test
    void smbclientListsTheDefaultShareAndTheSmbMetersAndLogLinesShowIt() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggingSetup.apply(new LoggingSettings(LoggingSettings.Format.TEXT, "INFO", Map.of()));
        String host = randomLoopback();
        var config = TestServers.config("listeners.kernel.bind=" + host + ":139", "data-dir=" + dataDir);
        try (var server = TestServers.start(config)) {
            Files.writeString(dataDir.resolve("share/hello.txt"), "hello");
            String listing = smbclient(host, 139, "ls");
            assertThat(listing).contains("hello.txt").doesNotContain("NT_STATUS");

            String metrics = Http.get("http://" + server.adminAddress() + "/metrics").body();
            assertThat(metrics).containsPattern("smb_requests_total\\{command=\"tree_connect\",[^}]*status=\"0x00000000\"[^}]*} 1\\.0")
                    .containsPattern("smb_requests_total\\{command=\"query_directory\",")
                    .contains("smb_request_latency_seconds_bucket{").contains("smb_connections ");
            var promtool = org.nbstack.server.metrics.PrometheusExpositionTest.onPath("promtool");
            if (promtool.isPresent()) { // every smb_* meter, once used, has its HELP text and a clean name
                org.nbstack.server.metrics.PrometheusExpositionTest.assertPromtoolClean(promtool.get(), metrics);
            }
        }
        List<String> smbLines = captured.toString(StandardCharsets.UTF_8).lines().filter(line -> line.contains(" - SMB ")).toList();
        assertThat(smbLines).anySatisfy(line -> assertThat(line).containsPattern("SMB connection from 127(\\.\\d+){3}:\\d+: dialect "))
                .anySatisfy(line -> assertThat(line).containsPattern("SMB session \\d+ from 127(\\.\\d+){3}:\\d+: tree connect to share"))
                .allSatisfy(line -> assertThat(line).as("addresses are host:port, without InetSocketAddress's slash").doesNotContain("/127."));
    }

    @Test
    void aListenerWithProtocolSmbDirectServesTheSharesOnPort445WithoutNetbios() throws Exception {
        String host = randomLoopback();
        var config = TestServers.config("listeners.direct.transport=nio", "listeners.direct.bind=" + host + ":445",
                "listeners.direct.protocol=smb-direct", "data-dir=" + dataDir);
        try (var server = TestServers.start(config)) {
            assertThat(server.output()).contains("listening: direct transport=nio address=" + host + ":445");
            Files.writeString(dataDir.resolve("share/direct.txt"), "445");
            assertThat(smbclient(host, 445, "ls")).contains("direct.txt").doesNotContain("NT_STATUS");
            assertThat(Http.get("http://" + server.adminAddress() + "/metrics").body())
                    .containsPattern("netbios_sessions_established_total\\{[^}]*listener=\"direct\"[^}]*} 1\\.0");
        }
    }

    static String smbclient(String host, int port, String commands) throws IOException, InterruptedException {
        List<String> command = List.of("smbclient", "//" + host + "/share", "-N", "-p", Integer.toString(port),
                "--option=client min protocol=SMB2_02", "-c", commands);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("smbclient finishes").isTrue();
        assertThat(p.exitValue()).as(output).isZero();
        return output;
    }

    static String randomLoopback() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
    }
}
