package org.nbstack.smb.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.smb.server.SmbService;
import org.nbstack.smb.server.SmbSettings;
import org.nbstack.smb.share.Share;

/**
 * Seed 004 for the file service: a client that stops reading in the middle of a large READ (smbclient frozen with
 * SIGSTOP during a get) is torn down once its queued data has made no progress for the session's write-stall bound,
 * and its open is released, while another client's gets run to completion meanwhile. The stall bound is 2 s; the
 * assertions allow 30 s, which only a session that is never torn down exceeds.
 */
class StalledClientTest {

    private static final Duration STALL_BOUND = Duration.ofSeconds(2);

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsSmbclient() {
        Smbclient.require();
    }

    @Test
    void aClientThatStopsReadingALargeReadIsTornDownAndItsOpenReleasedWhileAnotherClientReads() throws Exception {
        Path shareDir = Files.createDirectories(tmp.resolve("share"));
        Path local = Files.createDirectories(tmp.resolve("local"));
        Files.write(shareDir.resolve("big"), SmbclientTest.random(96 * 1024 * 1024, 1));
        Files.write(shareDir.resolve("small"), SmbclientTest.random(1024 * 1024, 2));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String host = "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
        try (SmbService service = new SmbService(SmbSettings.defaults("SERVER", List.of(new Share("share", shareDir, true, true))), meters)) {
            ListenerRegistry listeners = new ListenerRegistry();
            listeners.listen(NameListener.of(SmbTestServer.SERVER, service.handler()));
            NetbiosServer server = NetbiosServer.start(NetbiosServerSettings.builder().transport("nio")
                    .bindAddress(host, NetbiosServerSettings.NBSS_PORT).eventLoopThreads(1).defaultName(SmbTestServer.SERVER)
                    .writeStallTimeout(STALL_BOUND).sendBufferSize(64 * 1024).build(), listeners, meters);
            Process stalled = null;
            try {
                stalled = new ProcessBuilder("smbclient", "//" + host + "/share", "-N", "-p", "139",
                        "--option=client min protocol=SMB2_02", "-c", "get big").directory(local.toFile())
                        .redirectErrorStream(true).redirectOutput(tmp.resolve("stalled.log").toFile()).start();
                long pid = stalled.pid();
                await("the stalled client has the big file open and is reading it", Duration.ofSeconds(30),
                        () -> gauge(meters, "smb.opens") >= 1 && counter(meters, "smb.bytes.read") >= 1024 * 1024);
                signal("-STOP", pid);

                Smbclient.Result healthy = Smbclient.run(local, host, NetbiosServerSettings.NBSS_PORT, "share", "get small");
                assertThat(healthy.exit()).as(healthy.output()).isZero();
                assertThat(Files.readAllBytes(local.resolve("small"))).isEqualTo(Files.readAllBytes(shareDir.resolve("small")));

                await("the stalled session is torn down and its open released", Duration.ofSeconds(30),
                        () -> server.sessions().isEmpty() && gauge(meters, "smb.opens") == 0 && gauge(meters, "smb.connections") == 0);
                assertThat(counter(meters, "smb.bytes.read")).as("the stalled client never read the whole file")
                        .isLessThan(96 * 1024 * 1024);
            } finally {
                if (stalled != null) {
                    stalled.destroyForcibly();
                    signal("-CONT", stalled.pid());
                    stalled.waitFor(10, TimeUnit.SECONDS);
                }
                server.close();
            }
        }
    }

    private static void await(String what, Duration bound, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + bound + ": " + what);
            }
            Thread.sleep(20);
        }
    }

    private static double gauge(SimpleMeterRegistry meters, String name) {
        var gauge = meters.find(name).gauge();
        return gauge == null ? 0 : gauge.value();
    }

    private static double counter(SimpleMeterRegistry meters, String name) {
        var counter = meters.find(name).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void signal(String signal, long pid) throws Exception {
        new ProcessBuilder("kill", signal, Long.toString(pid)).inheritIO().start().waitFor(10, TimeUnit.SECONDS);
    }
}
