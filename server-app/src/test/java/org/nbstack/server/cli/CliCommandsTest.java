package org.nbstack.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.server.testing.Clients;
import org.nbstack.server.testing.TestServers;

/** The CLI's commands against an in-process server, through the same entry point as the launcher. */
class CliCommandsTest {

    record Result(int status, String out, String err) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void pingTimesEchoRoundTripsAndExitsZero() {
        try (var server = TestServers.start(TestServers.config())) {
            Result r = run("ping", "ECHO", "--address", server.kernelAddress(), "--count", "4", "--size", "100", "--interval", "0ms");
            assertThat(r.status()).as(r.err()).isZero();
            assertThat(r.out()).contains("NBSS PING ECHO<20> (127.0.0.1:").contains("over nio")
                    .contains("100 octets from ECHO<20>").contains("seq=4 time=")
                    .contains("4 sent, 4 received, 0% lost").containsPattern("rtt min/avg/p50/p99/max = [0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+/[0-9.]+ ms");
        }
    }

    @Test
    void anUnknownTransportOrHandlerIsAConfigurationErrorExitTwo() {
        Result transport = run("serve", "--set", "listeners.kernel.transport=kqueue", "--set", "listeners.engine.enabled=false",
                "--set", "admin.bind=127.0.0.1:0");
        assertThat(transport.status()).isEqualTo(2);
        assertThat(transport.err()).startsWith("nbstack: configuration error: nbstack.listeners.kernel.transport = \"kqueue\" is not a transport; "
                + "the transports are ").contains("nio").hasLineCount(1);

        Result handler = run("serve", "--set", "netbios.names.files.handler=nosuch", "--set", "listeners.engine.enabled=false",
                "--set", "listeners.kernel.bind=127.0.0.1:0", "--set", "admin.bind=127.0.0.1:0");
        assertThat(handler.status()).isEqualTo(2);
        assertThat(handler.err()).startsWith("nbstack: configuration error: nbstack.netbios.names.files: no session handler called 'nosuch'")
                .hasLineCount(1);
    }

    @Test
    void usageMistakesAreOneLineWithExitTwo() {
        Result unknown = run("ping", "ECHO", "--nosuch");
        assertThat(unknown.status()).isEqualTo(2);
        assertThat(unknown.err()).isEqualTo("nbstack ping: Unknown option: '--nosuch' (nbstack ping --help lists the options)\n");

        Result negative = run("ping", "ECHO", "--interval", "-1s");
        assertThat(negative.status()).isEqualTo(2);
        assertThat(negative.err()).contains("'-1s' is negative").doesNotContain("Exception").hasLineCount(1);
    }

    @Test
    void durationsTakeTheConfigurationSyntax() {
        DurationConverter durations = new DurationConverter();
        assertThat(durations.convert("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(durations.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(durations.convert("2 days")).isEqualTo(Duration.ofDays(2));
        assertThat(durations.convert("0")).isEqualTo(Duration.ZERO);
    }

    @Test
    void pingExitsOneWhenNoEchoComesBack() {
        try (var server = TestServers.start(TestServers.config())) {
            Result r = run("ping", "DISCARD", "--address", server.kernelAddress(), "--count", "2", "--timeout", "300ms");
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.out()).contains("no echo for seq=1 within 300ms").contains("1 sent, 0 received, 100% lost");
        }
    }

    @Test
    void pingReportsAtOnceWhenTheServerClosesTheSession() {
        // a message above max-message-size makes the server close the session instead of echoing it
        try (var server = TestServers.start(TestServers.config("netbios.max-message-size=100"))) {
            long start = System.nanoTime();
            Result r = run("ping", "ECHO", "--address", server.kernelAddress(), "--count", "2", "--size", "200", "--timeout", "20s");
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.out()).contains("the server closed the session before the echo of seq=1").doesNotContain("no echo")
                    .contains("1 sent, 0 received, 100% lost");
            assertThat(took).as("reported when the session ended, not after --timeout").isLessThan(Duration.ofSeconds(10));
        }
    }

    @Test
    void pingExitsOneWithTheRefusalWhenTheNameIsNotThere() {
        try (var server = TestServers.start(TestServers.config())) {
            Result r = run("ping", "NOBODY", "--address", server.kernelAddress());
            assertThat(r.status()).isEqualTo(1);
            assertThat(r.err()).contains("refused the session to NOBODY<20>").contains("0x82");
        }
    }

    @Test
    void pingExitsOneWhenNothingListens() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Result r = run("ping", "ECHO", "--address", "127.0.0.1:" + port, "--timeout", "1s");
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("nbstack ping: cannot connect to ").contains("127.0.0.1:" + port).contains("Connection refused");
    }

    @Test
    void statusSessionsAndNetstatAskTheAdminEndpoint() {
        try (var server = TestServers.start(TestServers.config()); NetbiosClient client = Clients.client(null)) {
            Clients.connect(client, server.kernelAddress(), "ECHO");

            Result status = run("status", "--admin", server.adminAddress());
            assertThat(status.status()).isZero();
            assertThat(status.out()).containsPattern("listener kernel +nio +127\\.0\\.0\\.1:\\d+ +running +names CHARGEN<20>")
                    .contains("sessions 1 active (limit 1024)").contains("engine   not running: no listener uses the engine transport");

            Result sessions = run("sessions", "--admin", server.adminAddress());
            assertThat(sessions.status()).isZero();
            assertThat(sessions.out()).contains("CALLED").contains("ECHO<20>").contains("TESTER<00>").contains("ESTABLISHED");

            Result netstat = run("netstat", "--set", "admin.bind=" + server.adminAddress());
            assertThat(netstat.status()).isZero();
            assertThat(netstat.out()).isEqualTo("the engine is not running here: no listener uses the engine transport\n");
        }
    }

    @Test
    void jsonPrintsTheAdminEndpointsJsonAsServed() throws Exception {
        try (var server = TestServers.start(TestServers.config()); NetbiosClient client = Clients.client(null)) {
            Clients.connect(client, server.kernelAddress(), "ECHO");
            for (String command : new String[] {"status", "sessions", "netstat"}) {
                Result r = run(command, "--json", "--admin", server.adminAddress());
                assertThat(r.status()).as(r.err()).isZero();
                JsonNode served = JSON.readTree(r.out());
                assertThat(served.isObject()).as(r.out()).isTrue();
                switch (command) {
                    case "status" -> assertThat(served.get("active_sessions").asInt()).isEqualTo(1);
                    case "sessions" -> assertThat(served.get("sessions").get(0).get("called").asText()).isEqualTo("ECHO<20>");
                    default -> assertThat(served.get("engine_running").asBoolean()).isFalse();
                }
            }
        }
    }

    @Test
    void anUnreachableAdminEndpointIsOneLineAndExitOne() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Result r = run("sessions", "--admin", "127.0.0.1:" + port);
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).startsWith("nbstack: cannot reach the admin endpoint at 127.0.0.1:" + port)
                .contains("is 'nbstack serve' running?").hasLineCount(1);
    }

    @Test
    void printConfigShowsEveryValueWithItsOrigin() throws Exception {
        Path file = dir.resolve("nbstack.conf");
        Files.writeString(file, "nbstack.netbios.max-sessions = 12\n");
        Result r = run(Map.of("NBSTACK_ADMIN_THREADS", "3"), "--print-config", "--config", file.toString(), "--set", "netbios.backlog=7");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("nbstack.netbios.max-sessions = 12  # " + file + ":1")
                .contains("nbstack.admin.threads = \"3\"  # env NBSTACK_ADMIN_THREADS")
                .contains("nbstack.netbios.backlog = \"7\"  # command line --set nbstack.netbios.backlog")
                .containsPattern("nbstack.listeners.kernel.bind = \"127.0.0.1:1139\"  # reference.conf:\\d+");
    }

    @Test
    void nbstackConfigNamesTheFileWhenNoConfigOptionIsGiven() throws Exception {
        Path file = dir.resolve("from-env.conf");
        Files.writeString(file, "nbstack.admin.threads = 4\n");
        Result r = run(Map.of("NBSTACK_CONFIG", file.toString()), "--print-config");
        assertThat(r.status()).isZero();
        assertThat(r.out()).contains("nbstack.admin.threads = 4  # " + file + ":1");
    }

    @Test
    void aConfigurationErrorIsOneLineAndExitTwo() {
        Result r = run("serve", "--set", "netbios.max-sesions=3");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("nbstack: configuration error: unknown configuration key 'nbstack.netbios.max-sesions' "
                + "(from command line --set nbstack.netbios.max-sesions); did you mean 'nbstack.netbios.max-sessions'?\n");
    }

    @Test
    void aTypoInAListenerSectionIsAConfigurationErrorNotANewListener() {
        Result r = run("serve", "--set", "listeners.kernal.bind=127.0.0.1:0", "--set", "admin.bind=127.0.0.1:0");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("nbstack: configuration error: listener 'nbstack.listeners.kernal' (from command line --set "
                + "nbstack.listeners.kernal.bind) names no transport; did you mean 'nbstack.listeners.kernel'?\n");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(run("frobnicate").status()).isEqualTo(2);
        assertThat(run().status()).isEqualTo(2);
        assertThat(run("ping").status()).isEqualTo(2);
    }

    @Test
    void handlersListsTheBuiltInHandlers() {
        Result r = run("handlers");
        assertThat(r.out()).contains("echo").contains("discard").contains("chargen");
    }

    private static Result run(String... args) {
        return run(Map.of(), args);
    }

    private static Result run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
