package org.nbstack.tcp.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import org.nbstack.tcp.sim.SimEventLoops;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketLinks;

/** mem and sim links: opened by URI scheme, delivered by destination address, faults counted, errors explained. */
class PacketLinkTest {
    private final EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final List<ByteBuf> received = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws InterruptedException {
        received.forEach(ByteBuf::release);
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private LinkContext context(String address, List<ByteBuf> sink) throws Exception {
        return context(address, sink, loops);
    }

    private static LinkContext context(String address, List<ByteBuf> sink, EventLoopGroup group) throws Exception {
        return new LinkContext(List.of((Inet4Address) InetAddress.getByName(address)), sink::add,
                UnpooledByteBufAllocator.DEFAULT, group);
    }

    /** A minimal IPv4 header (20 bytes) from {@code src} to {@code dst}, padded to {@code length}. */
    private static ByteBuf packet(int src, int dst, int length) {
        ByteBuf p = UnpooledByteBufAllocator.DEFAULT.buffer(length);
        p.writeInt(0x45 << 24 | length).writeInt(0).writeInt(64 << 24 | 6 << 16).writeInt(src).writeInt(dst);
        return p.writeZero(length - 20);
    }

    @Test
    void memDeliversByDestinationAddressAndCountsWhatItCannot() throws Exception {
        List<ByteBuf> toA = new CopyOnWriteArrayList<>();
        try (PacketLink a = PacketLinks.open(URI.create("mem://unit-switch"), context("10.9.0.1", toA));
                PacketLink b = PacketLinks.open(URI.create("mem://unit-switch"), context("10.9.0.2", received))) {
            a.send(packet(0x0a090001, 0x0a090002, 100));
            a.send(packet(0x0a090001, 0x0a0900ff, 100)); // nobody has 10.9.0.255
            assertThat(received).hasSize(1);
            assertThat(a.counters().packetsOut()).isEqualTo(1);
            assertThat(a.counters().drops()).isEqualTo(1);
            assertThat(b.counters().packetsIn()).isEqualTo(1);
            assertThat(b.counters().bytesIn()).isEqualTo(100);
            assertThat(toA).isEmpty();
        }
    }

    @Test
    @SuppressWarnings("try") // the first link only has to be open
    void twoEnginesCannotShareAnAddressOnOneSwitch() throws Exception {
        try (PacketLink a = PacketLinks.open(URI.create("mem://unit-dup"), context("10.9.1.1", received))) {
            assertThatThrownBy(() -> PacketLinks.open(URI.create("mem://unit-dup"), context("10.9.1.1", received)))
                    .hasMessageContaining("10.9.1.1 is already on switch");
        }
    }

    @Test
    @SuppressWarnings("try") // the receiving link only has to be open
    void simDropsDuplicatesAndDelaysAsConfigured() throws Exception {
        try (PacketLink a = PacketLinks.open(URI.create("sim://unit-sim?loss=0.3&dup=0.3&delay=1ms&seed=5"),
                context("10.9.2.1", received));
                PacketLink b = PacketLinks.open(URI.create("sim://unit-sim"), context("10.9.2.2", received))) {
            for (int i = 0; i < 200; i++) {
                a.send(packet(0x0a090201, 0x0a090202, 60));
            }
            SimLinkStats stats = SimLinkStats.of(a);
            long expected = 200 - stats.lost() + stats.duplicated();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (received.size() < expected && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(stats.lost()).isBetween(30L, 90L);
            assertThat(stats.duplicated()).isPositive();
            assertThat(received).hasSize((int) expected);
        }
    }

    @Test
    @SuppressWarnings("try") // the receiving link only has to be open
    void simDropsWhatExceedsItsMtu() throws Exception {
        try (PacketLink a = PacketLinks.open(URI.create("sim://unit-mtu?mtu=1500"), context("10.9.3.1", received));
                PacketLink b = PacketLinks.open(URI.create("sim://unit-mtu"), context("10.9.3.2", received))) {
            assertThat(a.mtu()).isEqualTo(1500);
            a.send(packet(0x0a090301, 0x0a090302, 1501));
            a.send(packet(0x0a090301, 0x0a090302, 1500));
            assertThat(received).hasSize(1);
            assertThat(SimLinkStats.of(a).overMtu()).isEqualTo(1);
        }
    }

    @Test
    @SuppressWarnings("try") // the receiving link only has to be open
    void closingASimLinkReleasesPacketsStillInFlight() throws Exception {
        PacketLink a = PacketLinks.open(URI.create("sim://unit-close?delay=10s"), context("10.9.4.1", received));
        try (PacketLink b = PacketLinks.open(URI.create("sim://unit-close"), context("10.9.4.2", received))) {
            ByteBuf p = packet(0x0a090401, 0x0a090402, 60);
            p.retain();
            a.send(p);
            a.close();
            assertThat(p.refCnt()).isEqualTo(1); // only our extra reference is left
            p.release();
            assertThat(received).isEmpty();
        }
    }

    @Test
    void simJitterKeepsThePathFifoAndOnlyReorderedPacketsAreOvertakenWithinTheReorderDelay() throws Exception {
        // Virtual time: 100 packets leave at one instant; the model (LinkFaults, ArrivalOrder) is the simulator's.
        hundredPacketsAtOnce("unit-fifo?delay=1ms&jitter=1ms&seed=3", 8, (sim, a) -> {
            sim.runFor(Duration.ofMillis(2));
            assertThat(numbers(received)).as("jitter alone never reorders").hasSize(100).isSorted();
        });
        hundredPacketsAtOnce("unit-reorder?delay=1ms&reorder=0.2&reorderDelay=2ms&seed=3", 9, (sim, a) -> {
            sim.runFor(Duration.ofMillis(1));
            long reordered = SimLinkStats.of(a).reordered();
            assertThat(reordered).isBetween(5L, 40L);
            assertThat(numbers(received)).as("at the 1 ms delay: the packets not reordered, in order")
                    .hasSize(100 - (int) reordered).isSorted();
            sim.runFor(Duration.ofMillis(2));
            assertThat(received).as("the reordered ones within the 2 ms reorder delay after that").hasSize(100);
        });
    }

    /** What a test checks after 100 packets left a sim link at one instant, in the link's virtual time. */
    @FunctionalInterface
    private interface VirtualTimeCheck {
        void check(SimEventLoops sim, PacketLink sender) throws Exception;
    }

    /** Sends 100 numbered packets from 10.9.{@code net}.1 to .2 over {@code sim://<nameAndQuery>} on simulated loops. */
    @SuppressWarnings("try") // the receiving link only has to be open
    private void hundredPacketsAtOnce(String nameAndQuery, int net, VirtualTimeCheck then) throws Exception {
        URI link = URI.create("sim://" + nameAndQuery);
        int from = 0x0a090001 | net << 8;
        try (SimEventLoops sim = new SimEventLoops(1, 0);
                PacketLink a = PacketLinks.open(link, context("10.9." + net + ".1", received, sim.newGroup("a", 1)));
                PacketLink b = PacketLinks.open(URI.create("sim://" + link.getHost()),
                        context("10.9." + net + ".2", received, sim.newGroup("b", 1)))) {
            for (int i = 0; i < 100; i++) {
                a.send(numbered(from, from + 1, i));
            }
            then.check(sim, a);
        } finally {
            received.forEach(ByteBuf::release);
            received.clear();
        }
    }

    private static ByteBuf numbered(int src, int dst, int number) {
        ByteBuf p = packet(src, dst, 60);
        return p.setInt(20, number);
    }

    private static List<Integer> numbers(List<ByteBuf> packets) {
        return packets.stream().map(p -> p.getInt(p.readerIndex() + 20)).toList();
    }

    @Test
    @SuppressWarnings("try") // the third link only has to be open
    void aBlackholedHostLosesEveryPacketBothWaysUntilRestored() throws Exception {
        // The links' delayed deliveries run on simulated loops: at exactly 500 ms of virtual time every packet of a's
        // is due, so "nothing arrived" is a fact at that instant, not a hope after a sleep.
        URI link = URI.create("sim://unit-hole?delay=500ms");
        List<ByteBuf> toA = new CopyOnWriteArrayList<>();
        List<ByteBuf> toC = new CopyOnWriteArrayList<>();
        try (SimEventLoops sim = new SimEventLoops(1, 0); // no CPU cost: every delivery due at an instant runs at it
                PacketLink a = PacketLinks.open(link, context("10.9.6.1", toA, sim.newGroup("a", 1)));
                PacketLink b = PacketLinks.open(URI.create("sim://unit-hole"), context("10.9.6.2", received, sim.newGroup("b", 1)));
                PacketLink c = PacketLinks.open(URI.create("sim://unit-hole"), context("10.9.6.3", toC, sim.newGroup("c", 1)))) {
            ByteBuf inFlight = packet(0x0a090601, 0x0a090602, 60);
            a.send(inFlight); // still on the wire when the host vanishes
            sim.runFor(Duration.ofMillis(100));
            SimBlackholes.blackhole(link, "10.9.6.2");
            for (int i = 0; i < 10; i++) {
                a.send(packet(0x0a090601, 0x0a090602, 60)); // to it
                b.send(packet(0x0a090602, 0x0a090601, 60)); // from it
                a.send(packet(0x0a090601, 0x0a090603, 60)); // between the others
            }
            sim.runFor(Duration.ofMillis(499));
            assertThat(toC).as("nothing of a's before its 500 ms").isEmpty();
            sim.runFor(Duration.ofMillis(1));
            assertThat(toC).as("the others still talk, at 500 ms").hasSize(10);
            assertThat(received).as("packets to the blackholed host, the one in flight included").isEmpty();
            assertThat(toA).as("packets from the blackholed host").isEmpty();
            assertThat(inFlight.refCnt()).as("dropped packets released").isZero();
            assertThat(SimLinkStats.of(a).blackholed()).isEqualTo(11);
            assertThat(SimLinkStats.of(b).blackholed()).isEqualTo(10);

            SimBlackholes.restore(link, "10.9.6.2");
            a.send(packet(0x0a090601, 0x0a090602, 60));
            b.send(packet(0x0a090602, 0x0a090601, 60));
            sim.runFor(Duration.ofMillis(500));
            assertThat(received).as("to the restored host").hasSize(1);
            assertThat(toA).as("from the restored host").hasSize(1);
        } finally {
            toA.forEach(ByteBuf::release);
            toC.forEach(ByteBuf::release);
        }
    }

    @Test
    @SuppressWarnings("try") // the link only has to be open
    void blackholingSaysWhatIsWrong() throws Exception {
        try (PacketLink a = PacketLinks.open(URI.create("sim://unit-hole-bad"), context("10.9.7.1", received))) {
            URI link = URI.create("sim://unit-hole-bad");
            assertThatThrownBy(() -> SimBlackholes.blackhole(link, "10.9.7.9")).hasMessageContaining("no engine on sim switch 'unit-hole-bad' has address 10.9.7.9");
            assertThatThrownBy(() -> SimBlackholes.blackhole(link, "127.0.0.1")).hasMessageContaining("loopback");
            assertThatThrownBy(() -> SimBlackholes.blackhole(link, "ten")).hasMessageContaining("'ten' is not an IPv4 address");
            assertThatThrownBy(() -> SimBlackholes.blackhole(URI.create("mem://unit-hole-bad"), "10.9.7.1")).hasMessageContaining("not a sim link");
            assertThatThrownBy(() -> SimBlackholes.blackhole(URI.create("sim://never-opened"), "10.9.7.1"))
                    .hasMessageContaining("no sim link was ever opened on switch 'never-opened'");
        }
    }

    private static void awaitSize(List<ByteBuf> list, int size) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (list.size() < size && System.nanoTime() < deadline) {
            Thread.sleep(2);
        }
        assertThat(list).hasSize(size);
    }

    @Test
    void badUrisSayWhatIsWrong() throws Exception {
        LinkContext c = context("10.9.5.1", received);
        assertThatThrownBy(() -> PacketLinks.open(URI.create("carrier-pigeon://x"), c))
                .hasMessageContaining("unknown scheme 'carrier-pigeon'").hasMessageContaining("mem")
                .hasMessageContaining("sim");
        assertThatThrownBy(() -> PacketLinks.open(URI.create("mem:net1"), c)).hasMessageContaining("names no switch");
        assertThatThrownBy(() -> PacketLinks.open(URI.create("sim://n?loss=2"), c))
                .hasMessageContaining("loss=2 is not a probability");
        assertThatThrownBy(() -> PacketLinks.open(URI.create("sim://n?delay=fast"), c))
                .hasMessageContaining("delay=fast is not a duration");
        assertThatThrownBy(() -> PacketLinks.open(URI.create("sim://n?lossy=0.1"), c))
                .hasMessageContaining("unknown parameter 'lossy'");
        assertThatThrownBy(() -> PacketLinks.open(URI.create("mem://n?mtu=20"), c))
                .hasMessageContaining("mtu=20 is not an integer in 68..65535");
        assertThatThrownBy(() -> PacketLinks.parse("no-scheme")).hasMessageContaining("has no scheme");
        assertThatThrownBy(() -> PacketLinks.open(URI.create("tun:///?mtu=1500"), c))
                .hasMessageContaining("names no device; write tun://<device-name>");
        assertThatThrownBy(() -> PacketLinks.open(URI.create("tun://nbs0?mtu=70000"), c))
                .hasMessageContaining("mtu=70000 is not an integer in 68..65535");
        assertThatThrownBy(() -> PacketLinks.open(URI.create("tun://nbs0?queues=2"), c))
                .hasMessageContaining("unknown parameter 'queues'");
    }
}
