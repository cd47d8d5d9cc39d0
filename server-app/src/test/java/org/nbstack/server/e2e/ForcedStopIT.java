package org.nbstack.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stopping a server that waits for a vanished peer: the first SIGTERM says what it waits for and how long, the second
 * forces the stop at once (exit 1) instead of being ignored for the whole grace period.
 */
class ForcedStopIT {

    @TempDir
    Path work;

    @Test
    void theFirstSignalSaysWhatItWaitsForAndTheSecondForcesTheStop() throws Exception {
        EngineOverUdpConfig config = EngineOverUdpConfig.write(work, "shutdown.grace-period = 30s");
        Launcher nbstack = new Launcher(work);
        Process serve = nbstack.start("serve", "serve", "--config", config.file().toString());
        try {
            nbstack.awaitOutput("serve", "serving;", serve);
            // a client engine that vanishes mid-session: the server's FIN will never be acknowledged
            Process ping = nbstack.start("ping", "ping", "ECHO", "--transport", "engine", "--address", "10.139.0.1:139",
                    "--link", config.clientLink(), "--count", "1000", "--interval", "1s");
            nbstack.awaitOutput("ping", "seq=1 ", ping);
            ping.destroyForcibly();
            assertThat(ping.waitFor(10, TimeUnit.SECONDS)).isTrue();

            serve.destroy(); // SIGTERM
            nbstack.awaitOutput("serve", "Ctrl-C again to force", serve);
            assertThat(nbstack.out("serve")).contains("stopping: waiting up to 30s for 1 session and 1 connection (ESTABLISHED); Ctrl-C again to force\n");
            assertThat(serve.waitFor(1, TimeUnit.SECONDS)).as("the first signal waits for the vanished peer").isFalse();

            long forcedAt = System.nanoTime();
            serve.destroy(); // the second SIGTERM
            assertThat(serve.waitFor(10, TimeUnit.SECONDS)).as("the second signal forces the stop").isTrue();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - forcedAt)).isLessThan(10);
            assertThat(serve.exitValue()).as(nbstack.out("serve") + nbstack.err("serve")).isEqualTo(1);
            assertThat(nbstack.out("serve")).contains("forcing the stop: aborting what is left\n").contains("stopped (forced): ");
            assertThat(nbstack.err("serve")).doesNotContain("Exception");
        } finally {
            serve.destroyForcibly();
        }
    }
}
