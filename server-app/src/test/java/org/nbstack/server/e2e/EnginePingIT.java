package org.nbstack.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.server.testing.Http;

/**
 * {@code bin/nbstack ping ECHO --transport engine} against {@code bin/nbstack serve}: the ping's own engine must
 * finish its connection before it goes away. When it did not, the server's connection sat in LAST_ACK for about two
 * minutes retransmitting its FIN to an engine that no longer existed.
 */
class EnginePingIT {

    private static final Pattern FIN_RETRANSMITS =
            Pattern.compile("(?m)^tcp_retransmits_total\\{[^}]*kind=\"fin\"[^}]*listener=\"engine\"[^}]*} (\\S+)$");

    @TempDir
    Path work;

    @Test
    void anEnginePingLeavesNoConnectionOnTheServerAndNoFinRetransmission() throws Exception {
        EngineOverUdpConfig config = EngineOverUdpConfig.write(work);
        Launcher nbstack = new Launcher(work);
        Process serve = nbstack.start("serve", "serve", "--config", config.file().toString());
        try {
            nbstack.awaitOutput("serve", "serving;", serve);
            assertThat(nbstack.out("serve")).contains("listening: engine transport=engine");

            Launcher.Result ping = nbstack.run("ping", "ping", "ECHO", "--transport", "engine", "--address", "10.139.0.1:139",
                    "--link", config.clientLink(), "--count", "2", "--interval", "50ms");
            assertThat(ping.status()).as(ping.out() + ping.err()).isZero();
            assertThat(ping.out()).contains("2 sent, 2 received, 0% lost");

            Thread.sleep(5_000); // the first FIN retransmission would come after the 1 s initial RTO
            String base = config.adminUrl();
            List<String> connections = Http.get(base + "/netstat?format=text").body().lines()
                    .skip(1) // the header
                    .filter(line -> !line.contains("LISTEN"))
                    .toList();
            assertThat(connections).as("the server's engine connections 5 s after the ping").isEmpty();

            HttpResponse<String> metrics = Http.get(base + "/metrics");
            Matcher fin = FIN_RETRANSMITS.matcher(metrics.body());
            assertThat(fin.find()).as("tcp_retransmits_total{kind=\"fin\",listener=\"engine\"} is exported").isTrue();
            assertThat(Double.parseDouble(fin.group(1))).as("FIN retransmissions of the server's engine").isZero();
        } finally {
            serve.destroy();
            serve.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
