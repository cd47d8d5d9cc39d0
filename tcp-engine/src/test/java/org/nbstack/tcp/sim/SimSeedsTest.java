package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;

/** The seed harness: which seeds run, and what a developer gets when one fails. */
class SimSeedsTest {
    private static final long MS = 1_000_000L;

    @AfterEach
    void clearProperties() {
        System.clearProperty(SimSeeds.SEED_PROPERTY);
        System.clearProperty(SimSeeds.SEEDS_PROPERTY);
        System.clearProperty(SimSeeds.TRACE_PROPERTY);
    }

    @Test
    void runsEverySeedOfTheRangeInOrder() {
        List<Long> seeds = new ArrayList<>();
        SimSeeds.run(100, 5, seeds::add);
        assertThat(seeds).containsExactly(100L, 101L, 102L, 103L, 104L);
    }

    @Test
    void theSeedsPropertySetsHowManySeedsRun() {
        System.setProperty(SimSeeds.SEEDS_PROPERTY, "3");
        List<Long> seeds = new ArrayList<>();
        SimSeeds.run(100, 50, seeds::add);
        assertThat(seeds).containsExactly(100L, 101L, 102L);
    }

    @Test
    void theSeedPropertyRunsThatSeedAlone() {
        System.setProperty(SimSeeds.SEED_PROPERTY, "-77");
        System.setProperty(SimSeeds.SEEDS_PROPERTY, "40");
        List<Long> seeds = new ArrayList<>();
        SimSeeds.run(100, 50, seeds::add);
        assertThat(seeds).containsExactly(-77L);
    }

    @Test
    void aFailingSeedIsReportedWithTheFailureTheTraceTailAndTheReplayCommand() {
        List<Long> seeds = new ArrayList<>();
        Throwable thrown = catchFailure(() -> SimSeeds.run(1000, 10, seed -> {
            seeds.add(seed);
            exchangeSomePackets(seed);
            assertThat(seed).as("the seed under test").isNotEqualTo(1003L);
        }));
        assertThat(thrown.getMessage())
                .contains("simulation failed with seed 1003 (SimSeedsTest#"
                        + "aFailingSeedIsReportedWithTheFailureTheTraceTailAndTheReplayCommand, run 4 of 10)")
                .contains("[the seed under test]")
                .contains("replay: bin/test -pl tcp-engine -am"
                        + " -Dtest='SimSeedsTest#aFailingSeedIsReportedWithTheFailureTheTraceTailAndTheReplayCommand'"
                        + " -Dnbstack.sim.seed=1003 -Dnbstack.sim.trace=true -Dsurefire.failIfNoSpecifiedTests=false")
                .contains("last 80 of 80 trace lines:")
                .contains("A>B deliver pkt#19 len 100")
                .doesNotContain("NOT DETERMINISTIC");
        assertThat(thrown.getCause()).isInstanceOf(AssertionError.class).hasMessageContaining("the seed under test");
        // The failing seed ran once more, traced, for the tail; later seeds did not run.
        assertThat(seeds).containsExactly(1000L, 1001L, 1002L, 1003L, 1003L);
    }

    @Test
    void theReplayCommandNamesTheTestMethodEvenWhenAHelperCallsTheHarness() {
        Throwable thrown = catchFailure(SimSeedsTest::runAFailingScenario);
        assertThat(thrown.getMessage()).contains(
                "-Dtest='SimSeedsTest#theReplayCommandNamesTheTestMethodEvenWhenAHelperCallsTheHarness'");
    }

    @Test
    void theTestCanBeNamedExplicitly() {
        Throwable thrown = catchFailure(() -> SimSeeds.run(String.class, "someTest", 0, 1, seed -> {
            throw new IllegalStateException("broken");
        }));
        assertThat(thrown.getMessage())
                .contains("-Dtest='String#someTest' -Dnbstack.sim.seed=0")
                .contains("failure: java.lang.IllegalStateException: broken")
                .contains("no trace: the scenario built no SimWorld");
    }

    @Test
    void aSeedThatPassesWhenRunAgainIsReportedAsNotDeterministic() {
        AtomicInteger calls = new AtomicInteger();
        Throwable thrown = catchFailure(() -> SimSeeds.run(5, 1, seed -> {
            assertThat(calls.incrementAndGet()).isGreaterThan(1);
        }));
        assertThat(thrown.getMessage()).contains("NOT DETERMINISTIC: seed 5 passed when run again");
    }

    @Test
    void withTracingOnTheWholeTraceGoesToAFileThatTheReportNames() throws IOException {
        System.setProperty(SimSeeds.SEED_PROPERTY, "4242");
        System.setProperty(SimSeeds.TRACE_PROPERTY, "true");
        Path file = Path.of("target", "sim-trace-4242.txt").toAbsolutePath();
        Files.deleteIfExists(file);
        List<Long> seeds = new ArrayList<>();
        Throwable thrown = catchFailure(() -> SimSeeds.run(0, 10, seed -> {
            seeds.add(seed);
            exchangeSomePackets(seed);
            throw new AssertionError("fails on purpose");
        }));
        assertThat(seeds).containsExactly(4242L);
        assertThat(thrown.getMessage()).contains("full trace: " + file).contains("A>B deliver pkt#19 len 100");
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).hasSize(80).contains("   0.000000 A>B send pkt#0 len 100", "   0.020000 B>A deliver pkt#19 len 100");
        Files.delete(file);
    }

    @Test
    void badPropertyValuesAreExplained() {
        System.setProperty(SimSeeds.SEEDS_PROPERTY, "many");
        assertThatThrownBy(() -> SimSeeds.run(0, 1, seed -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dnbstack.sim.seeds=many is not a positive seed count");
        System.setProperty(SimSeeds.SEED_PROPERTY, "0x12");
        assertThatThrownBy(() -> SimSeeds.run(0, 1, seed -> { }))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("-Dnbstack.sim.seed=0x12 is not a seed (a long integer)");
    }

    private static void runAFailingScenario() {
        SimSeeds.run(0, 1, seed -> {
            throw new AssertionError("helper failure");
        });
    }

    /** A and B exchange 20 packets each way, 1 ms apart, in a world the harness traces. */
    private static void exchangeSomePackets(long seed) {
        try (SimWorld world = SimWorld.builder(seed).packetFormatter(RawPacket.FORMAT)
                .defaultLink(LinkFaults.PERFECT.withDelay(MS, 0)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            CountingNode b = world.addNode("B", CountingNode::new, B);
            for (int i = 0; i < 20; i++) {
                a.send(RawPacket.of(A, B, i));
                b.send(RawPacket.of(B, A, i));
                world.runFor(MS);
            }
            world.runFor(MS);
        }
    }

    private static Throwable catchFailure(Runnable run) {
        try {
            run.run();
        } catch (AssertionError e) {
            return e;
        }
        throw new AssertionError("the harness did not report a failure");
    }
}
