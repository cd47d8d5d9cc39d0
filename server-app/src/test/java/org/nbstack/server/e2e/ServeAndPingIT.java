package org.nbstack.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's quick start as processes: {@code bin/nbstack serve} with an operator's config file (free ports),
 * {@code bin/nbstack ping} and {@code status} against it, SIGTERM, and the config file left untouched.
 */
class ServeAndPingIT {

    @TempDir
    Path work;

    @Test
    void serveThenPingThenSigtermExitsZeroAndLeavesTheConfigFileAlone() throws Exception {
        int nbss = Launcher.freeTcpPort();
        int admin = Launcher.freeTcpPort();
        int udp = Launcher.freeUdpPort();
        Path config = work.resolve("nbstack.conf");
        Files.writeString(config, """
                # an operator's file: nbstack must never write it (seed 001)
                nbstack {
                  listeners.kernel.bind = "127.0.0.1:%d"
                  listeners.engine.link = "udp://127.0.0.1:%d"
                  admin.bind = "127.0.0.1:%d"
                  shutdown.grace-period = 5s
                  data-dir = "%s"
                }
                """.formatted(nbss, udp, admin, work.resolve("data")));
        Files.setLastModifiedTime(config, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
        byte[] bytesBefore = Files.readAllBytes(config);
        FileTime modifiedBefore = Files.getLastModifiedTime(config);
        Launcher nbstack = new Launcher(work);

        Process serve = nbstack.start("serve", "serve", "--config", config.toString());
        try {
            nbstack.awaitOutput("serve", "serving;", serve);
            String started = nbstack.out("serve");
            assertThat(started).contains("listening: kernel transport=nio address=127.0.0.1:" + nbss
                    + " names=CHARGEN<20>,DISCARD<20>,ECHO<20>,NBSTACK<20>");
            // without the engine transport its listener is skipped with one line; with it, it listens
            assertThat(started).containsPattern("(skipped: +engine transport=engine .*: .+|listening: engine transport=engine link=udp://127\\.0\\.0\\.1:"
                    + udp + " address=10\\.139\\.0\\.1:139 names=.+)\n");
            assertThat(started).contains("admin:     http://127.0.0.1:" + admin + "/");
            assertThat(work.resolve("data/share")).as("the default share's directory, made on start").isDirectory();

            Launcher.Result ping = nbstack.run("ping", "ping", "ECHO", "--config", config.toString(), "--count", "3", "--interval", "50ms");
            assertThat(ping.status()).as(ping.err()).isZero();
            assertThat(ping.out()).contains("NBSS PING ECHO<20> (127.0.0.1:" + nbss + ") over nio")
                    .contains("3 sent, 3 received, 0% lost").contains("rtt min/avg/p50/p99/max = ");

            Launcher.Result lost = nbstack.run("ping-discard", "ping", "DISCARD", "--address", "127.0.0.1:" + nbss, "--count", "1",
                    "--timeout", "300ms");
            assertThat(lost.status()).isEqualTo(1);

            Launcher.Result status = nbstack.run("status", "status", "--admin", "127.0.0.1:" + admin);
            assertThat(status.status()).isZero();
            assertThat(status.out()).contains("listener kernel").contains("running");
        } finally {
            serve.destroy(); // SIGTERM: the launcher execs java, so the signal reaches the JVM
        }
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).as("serve stops within its grace period").isTrue();
        assertThat(serve.exitValue()).as(nbstack.err("serve")).isZero();
        assertThat(nbstack.out("serve")).contains("stopped: ");
        assertThat(nbstack.err("serve")).doesNotContain("Exception");

        assertThat(Files.readAllBytes(config)).isEqualTo(bytesBefore);
        assertThat(Files.getLastModifiedTime(config)).isEqualTo(modifiedBefore);
    }

    @Test
    void aBadConfigurationIsOneLineAndExitTwo() throws Exception {
        Path config = work.resolve("bad.conf");
        Files.writeString(config, "nbstack.admin.bind = nowhere\n");
        Launcher.Result r = new Launcher(work).run("bad", "serve", "--config", config.toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("nbstack: configuration error: configuration key 'nbstack.admin.bind' = \"nowhere\" (from "
                + config + ":1) is not valid: it must be host:port with a port 0..65535, e.g. 127.0.0.1:1139\n");
        assertThat(r.out()).isEmpty();
    }
}
