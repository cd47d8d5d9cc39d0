package org.nbstack.loadtest.simulations;

import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.pace;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;
import java.time.Duration;
import org.nbstack.loadtest.gatling.Knobs;
import org.nbstack.loadtest.gatling.Smb;
import org.nbstack.loadtest.report.LatencyBook;
import org.nbstack.loadtest.server.SmbFileServer;

/**
 * Seed 004 (Q186873) on the file service: healthy users write 64 KiB to their own file and read it back, and read
 * 64 KiB of a shared file, at a fixed pace, while mid-run some users open the shared file and stop reading in the
 * middle of their READs (asking for more every 10 ms) and others ask for a burst of READs and vanish (neither read,
 * send nor close). The file service runs in this JVM on a kernel transport ({@code nbstack.loadtest.smb.transport},
 * default nio) with the seed-004 tuning. Passes with zero healthy errors, the healthy p99 under the bound, and every
 * failed connection torn down by the server.
 */
public final class SmbFilesSimulation extends Simulation {

    private static final int IO_SIZE = 65536;

    private final int healthyUsers = Knobs.integer("sessions", 100, 10);
    private final int failingUsers = Knobs.integer("failing", 20, 6);
    private final FailurePhase phase = new FailurePhase();
    private final Duration interval = Knobs.duration("interval", Duration.ofMillis(200), Duration.ofMillis(250));
    // Only a real stall crosses these: a healthy user held up by a failed one would wait for its 2 s write-stall timeout.
    private final int p99Millis = Knobs.integer("p99Millis", 500, 1000);
    private final SmbFileServer server = new SmbFileServer(System.getProperty(Knobs.PREFIX + "smb.transport", "nio"));
    private final Smb smb = new Smb(server::address);

    public SmbFilesSimulation() {
        ChainBuilder work = exec(smb.writeAndReadBack("smb write+read", IO_SIZE)).exec(smb.readShared("smb read shared", IO_SIZE));
        ScenarioBuilder healthy = scenario("healthy")
                .exec(smb.connect("smb connect")).exitHereIfFailed()
                .pause(Duration.ZERO, interval)
                .during(phase.ramp.plus(phase.settle).plus(phase.hold)).on(pace(interval).exec(work))
                .exec(smb.close("smb close"));
        ScenarioBuilder stopsReading = scenario("stops reading mid-READ")
                .exec(smb.connectNonReading("failing user connect")).exitHereIfFailed()
                .exec(smb.stopReadingMidRead(Duration.ofMillis(10), FailurePhase.STOP_READING_FOR))
                .exec(smb.checkTornDown("failed connection torn down", FailurePhase.TEARDOWN_CHECK_BOUND));
        ScenarioBuilder vanishes = scenario("vanishes")
                .exec(smb.connectNonReading("failing user connect")).exitHereIfFailed()
                .exec(smb.vanishAfterReads(32))
                .pause(FailurePhase.LOOK_AGAIN_AFTER)
                .exec(smb.checkTornDown("failed connection torn down", FailurePhase.TEARDOWN_CHECK_BOUND));

        setUp(phase.populations(healthy, healthyUsers, stopsReading, vanishes, failingUsers))
                .assertions(
                        details("smb connect").failedRequests().count().is(0L),
                        details("smb write+read").failedRequests().count().is(0L),
                        details("smb read shared").failedRequests().count().is(0L),
                        details("smb close").failedRequests().count().is(0L),
                        details("smb write+read").responseTime().percentile(99.0).lt(p99Millis),
                        details("smb read shared").responseTime().percentile(99.0).lt(p99Millis),
                        details("failed connection torn down").successfulRequests().count().is((long) failingUsers));
    }

    @Override
    public void before() {
        LatencyBook.startNew();
    }

    @Override
    public void after() {
        server.close();
    }
}
