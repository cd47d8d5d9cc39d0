package org.nbstack.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.config.LoggingSettings;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.server.testing.Clients;
import org.nbstack.server.testing.TestServers;

/** logging.format = json gives one JSON object per line, and session logs carry the session id and remote address. */
class JsonLoggingAndMdcTest {

    private final PrintStream originalErr = System.err;

    @AfterEach
    void restore() {
        System.setErr(originalErr);
        LoggingSetup.apply(new LoggingSettings(LoggingSettings.Format.TEXT, "INFO", Map.of()));
    }

    @Test
    void sessionLogLinesAreJsonWithTheSessionAndRemoteAddress() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        LoggingSetup.apply(new LoggingSettings(LoggingSettings.Format.JSON, "WARN",
                Map.of("org.nbstack.netbios.session.ChannelSession", "DEBUG", "org.nbstack.server.logging", "DEBUG")));

        try (var server = TestServers.start(TestServers.config()); NetbiosClient client = Clients.client(null)) {
            NetbiosSession session = Clients.connect(client, server.kernelAddress(), "ECHO");
            session.close();
            session.onClose().block(Duration.ofSeconds(5));
            awaitServerEndedLine(captured);
        }

        List<Config> lines = captured.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("{"))
                .map(ConfigFactory::parseString).toList();
        Config established = lines.stream().filter(l -> l.getString("message").contains("established")).findFirst().orElseThrow();
        assertThat(established.getString("session")).isEqualTo("1");
        assertThat(established.getString("remote")).startsWith("127.0.0.1:"); // no leading slash
        // the server's own log line from inside netbios-session (the client's, in this JVM, has no listener)
        Config ended = lines.stream().filter(l -> l.getString("message").contains("ended") && l.hasPath("listener")
                && l.getString("logger_name").endsWith("ChannelSession")).findFirst().orElseThrow();
        assertThat(ended.getString("session")).isEqualTo("1");
        assertThat(ended.getString("listener")).isEqualTo("kernel");
        assertThat(ended.getString("level")).isEqualTo("INFO");
        // Logback's own context properties (which appender was chosen) are no field of a log line
        assertThat(lines).allSatisfy(line -> assertThat(line.hasPath("NBSTACK_LOG_FORMAT")).isFalse());
    }

    private static void awaitServerEndedLine(ByteArrayOutputStream captured) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (captured.toString(StandardCharsets.UTF_8).lines().noneMatch(l -> l.contains("ended") && l.contains("\"listener\""))
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
    }
}
