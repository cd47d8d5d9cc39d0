package org.nbstack.tcp.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.sim.RawPacket.A;
import static org.nbstack.tcp.sim.RawPacket.B;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.wire.Ipv4;

/** One tcpdump-like line per packet event, a bounded tail in memory, the whole trace in a file on request. */
class SimTraceTest {
    private static final long MS = 1_000_000L;

    @Test
    void eachPacketEventIsOneLineWithTimeDirectionEventAndPacket() {
        SimTrace trace = SimTrace.inMemory(100);
        try (SimWorld world = SimWorld.builder(61).trace(trace).packetFormatter(RawPacket.FORMAT)
                .defaultLink(LinkFaults.PERFECT.withDelay(MS, 0)).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            TimerNode b = world.addNode("B", TimerNode::new, B);
            b.arm(2 * MS + 500);
            world.note("A sends one packet");
            a.send(RawPacket.of(A, B, 1));
            world.runFor(3 * MS);
        }
        assertThat(trace.tail()).containsExactly(
                "   0.000000 note A sends one packet",
                "   0.000000 A>B send pkt#1 len 100",
                "   0.001000 A>B deliver pkt#1 len 100",
                "   0.002000 B timer");
    }

    @Test
    void everyFaultNamesItselfInTheTrace() {
        SimTrace trace = SimTrace.inMemory(1000);
        try (SimWorld world = SimWorld.builder(62).trace(trace).packetFormatter(RawPacket.FORMAT).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            world.addNode("B", CountingNode::new, B);
            SimLink ab = world.link("A", "B");
            ab.configure(LinkFaults.PERFECT.withMtu(500).withBandwidth(1_000, 1))
                    .addFilter(SimPacketFilter.dropFirst(1, p -> RawPacket.id(p) == 2))
                    .partition(MS, 2 * MS);
            a.send(RawPacket.of(A, B, 1, 600));
            a.send(RawPacket.of(A, B, 2));
            a.send(RawPacket.of(A, B, 3));
            a.send(RawPacket.of(A, B, 4));
            a.send(RawPacket.of(A, Ipv4.parse("192.0.2.1"), 5));
            world.runFor(MS);
            a.send(RawPacket.of(A, B, 6));
            world.runFor(MS);
            ab.configure(LinkFaults.PERFECT.withLoss(1));
            a.send(RawPacket.of(A, B, 7));
            ab.configure(LinkFaults.PERFECT.withDuplication(1).withCorruption(1).withReordering(1, 10));
            a.send(RawPacket.of(A, B, 8));
            world.runFor(MS);
        }
        List<String> lines = trace.tail();
        assertThat(lines).contains(
                "   0.000000 A>B drop-mtu pkt#1 len 600",
                "   0.000000 A>B drop-filter pkt#2 len 100",
                "   0.000000 A>B drop-queue pkt#4 len 100",
                "   0.000000 A>? drop-noroute pkt#5 len 100",
                "   0.001000 A>B drop-partition pkt#6 len 100",
                "   0.002000 A>B lose pkt#7 len 100",
                "   0.002000 A>B duplicate pkt#8 len 100");
        assertThat(lines).anyMatch(l -> l.matches(" {3}0\\.002000 A>B corrupt\\(bit \\d+\\) pkt#8 len 100"));
        assertThat(lines).anyMatch(l -> l.matches(" {3}0\\.002000 A>B reorder\\(\\+\\d+ns\\) pkt#\\d+ len 100"));
    }

    @Test
    void theDefaultRenderingSaysWhenAPacketCannotBeDecoded() {
        SimTrace trace = SimTrace.inMemory(10);
        try (SimWorld world = SimWorld.builder(63).trace(trace).build()) {
            CountingNode a = world.addNode("A", CountingNode::new, A);
            world.addNode("B", CountingNode::new, B);
            a.send(RawPacket.of(A, B, 1, 77));
            world.runFor(MS);
        }
        assertThat(trace.tail()).containsExactly(
                "   0.000000 A>B send undecodable (len 77)",
                "   0.000000 A>B deliver undecodable (len 77)");
    }

    @Test
    void theTailKeepsOnlyTheMostRecentLines() {
        SimTrace trace = SimTrace.inMemory(3);
        for (int i = 0; i < 10; i++) {
            trace.line(i * MS, "line " + i);
        }
        assertThat(trace.tail()).containsExactly("   0.007000 line 7", "   0.008000 line 8", "   0.009000 line 9");
        assertThat(trace.lineCount()).isEqualTo(10);
    }

    @Test
    void aFileTraceHoldsEveryLine() throws IOException {
        Path file = Path.of("target", "sim-trace-test", "every-line.txt");
        try (SimTrace trace = SimTrace.toFile(2, file)) {
            for (int i = 0; i < 10; i++) {
                trace.line(i, "line " + i);
            }
            assertThat(trace.file()).isEqualTo(file);
        }
        assertThat(Files.readAllLines(file)).hasSize(10).startsWith("   0.000000 line 0").endsWith("   0.000000 line 9");
    }

    @Test
    void timeIsSecondsWithMicrosecondsLikeTcpdump() {
        assertThat(SimTrace.appendTime(new StringBuilder(), 12_345_678_912L).toString()).isEqualTo("  12.345678");
        assertThat(SimTrace.appendTime(new StringBuilder(), 0).toString()).isEqualTo("   0.000000");
        assertThat(SimTrace.appendTime(new StringBuilder(), 86_400_000_000_001L).toString()).isEqualTo("86400.000000");
    }

    @Test
    void anUntracedWorldHasNoTrace() {
        try (SimWorld world = SimWorld.builder(64).build()) {
            world.note("nobody hears this");
            assertThat(world.trace()).isNull();
        }
    }
}
