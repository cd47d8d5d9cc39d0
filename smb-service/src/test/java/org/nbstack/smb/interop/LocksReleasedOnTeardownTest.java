package org.nbstack.smb.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Requests;
import org.nbstack.smb.server.SmbService;
import org.nbstack.smb.server.SmbSettings;
import org.nbstack.smb.share.Share;
import org.nbstack.spi.Transports;

/**
 * A client holding a byte-range lock that logs off, disconnects, or stops reading until the session layer's write-stall
 * bound tears it down: its lock and its open are released, so a second client waiting for the same range gets it, and
 * the open-file count is back where it was. The stall bound is 2 s; the waits allow 30 s, which only a lock that is
 * never released exceeds.
 */
class LocksReleasedOnTeardownTest {

    private static final Duration STALL_BOUND = Duration.ofSeconds(2);
    private static final int FILE_SIZE = 8 * 1024 * 1024;

    enum Teardown { LOGOFF, DISCONNECT, STALL }

    @TempDir
    Path tmp;

    @ParameterizedTest(name = "{0}")
    @EnumSource(Teardown.class)
    void theLocksAndOpensOfAClientThatGoesAreReleasedForTheNext(Teardown teardown) throws Exception {
        Path shareDir = Files.createDirectories(tmp.resolve("share"));
        Files.write(shareDir.resolve("shared.db"), SmbclientTest.random(FILE_SIZE, 3));
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        String host = "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
        try (SmbService service = new SmbService(SmbSettings.defaults("SERVER", List.of(new Share("share", shareDir, false, true))), meters)) {
            ListenerRegistry listeners = new ListenerRegistry();
            listeners.listen(NameListener.of(SmbTestServer.SERVER, service.handler()));
            NetbiosServerSettings settings = NetbiosServerSettings.builder().transport("nio").bindAddress(host, 445).eventLoopThreads(1)
                    .defaultName(SmbTestServer.SERVER).writeStallTimeout(STALL_BOUND).sendBufferSize(32 * 1024).build();
            NetbiosServer server = NetbiosServer.start(Transports.named("nio", settings.transportOptions()), settings, listeners, meters,
                    new AtomicLong(), NetbiosServer.Framing.DIRECT_TCP);
            try (RawSmb2Client waiting = new RawSmb2Client(host, 445).logonAndConnect("share");
                    RawSmb2Client holder = new RawSmb2Client(host, 445).logonAndConnect("share")) {
                byte[] waitingFile = waiting.open("shared.db");
                double opensBefore = gauge(meters, "smb.opens");
                byte[] heldFile = holder.open("shared.db");
                assertThat(holder.lock(heldFile, 4096, 4096)).isEqualTo(NtStatus.SUCCESS);
                assertThat(waiting.lock(waitingFile, 6000, 10)).as("the range is held by the other client").isEqualTo(NtStatus.LOCK_NOT_GRANTED);
                assertThat(gauge(meters, "smb.opens")).isEqualTo(opensBefore + 1);

                switch (teardown) {
                    case LOGOFF -> assertThat(holder.logoff()).isEqualTo(NtStatus.SUCCESS);
                    case DISCONNECT -> holder.close();
                    case STALL -> {
                        // Far more replies than the server's queue and both socket buffers hold; none is ever read.
                        try {
                            for (int i = 0; i < 400; i++) {
                                holder.sendWithoutReading(Smb2Command.READ, Smb2Requests.read(heldFile, (i * 65536L) % FILE_SIZE, 65536));
                            }
                        } catch (SocketException resetByTheTeardown) {
                            // On a busy machine the 2 s bound can expire while requests are still going out; the server's
                            // reset then ends the sending, which is the teardown under test, not a failure of it.
                        }
                        await("the stalled session is torn down", () -> server.sessions().size() == 1);
                    }
                }

                await("the second client gets the range", () -> waiting.lock(waitingFile, 6000, 10) == NtStatus.SUCCESS);
                assertThat(gauge(meters, "smb.opens")).as("the open-file count is back where it was").isEqualTo(opensBefore);
                assertThat(gauge(meters, "smb.locks")).as("only the second client's lock is held").isEqualTo(1);
            } finally {
                server.close();
            }
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void await(String what, Condition condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 30 s: " + what);
            }
            Thread.sleep(20);
        }
    }

    private static double gauge(SimpleMeterRegistry meters, String name) {
        var gauge = meters.find(name).gauge();
        return gauge == null ? 0 : gauge.value();
    }
}
