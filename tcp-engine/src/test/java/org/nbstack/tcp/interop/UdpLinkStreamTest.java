package org.nbstack.tcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.UdpDropReason;
import org.nbstack.tcp.link.UdpLinkCounters;
import org.nbstack.tcp.wire.Ipv4;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Two engine stacks over the udp link on 127.0.0.1: a byte-exact stream both ways, and garbage counted. */
class UdpLinkStreamTest {
    private static final Logger log = LoggerFactory.getLogger(UdpLinkStreamTest.class);
    private static final int A = Ipv4.parse("10.88.0.1");
    private static final int B = Ipv4.parse("10.88.0.2");
    private static final int MTU = 16384;
    private static final int PORT = 139;
    private static final long BYTES = 256L << 20;

    private static TcpConfig tcp() {
        return TcpConfig.builder().mss(MTU - 40).receiveBuffer(4 << 20).sendBuffer(4 << 20)
                .timeWait(java.time.Duration.ofMillis(200)).build();
    }

    @Test
    void twoEnginesExchangeAByteExactStreamBothWays() throws Exception {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, true);
        try (UdpStackNode a = new UdpStackNode(A, tcp(), MTU, alloc);
                UdpStackNode b = new UdpStackNode(B, tcp(), MTU, alloc)) {
            a.link.addPeer(B, b.udpAddress());
            b.link.addPeer(A, a.udpAddress());
            List<EngineStream> accepted = new ArrayList<>();
            a.call(s -> s.listen(A, PORT, 8, l -> {
                var c = l.poll();
                EngineStream e = new EngineStream("a").sending(BYTES);
                e.shutdownWhenSent = true;
                e.closeOnPeerFin = true;
                e.attach(c);
                c.setHandler(e);
                synchronized (accepted) {
                    accepted.add(e);
                }
                e.pump();
            }));
            EngineStream client = new EngineStream("b").sending(BYTES);
            client.shutdownWhenSent = true;
            client.closeOnPeerFin = true;
            long start = System.nanoTime();
            b.call(s -> {
                client.attach(s.connect(B, 0, A, PORT, tcp(), client));
                return null;
            });
            assertThat(client.closed.get(120, TimeUnit.SECONDS)).as(client.toString()).isEqualTo(CloseReason.NORMAL);
            double seconds = (System.nanoTime() - start) / 1e9;
            EngineStream server = accepted.get(0);
            assertThat(server.closed.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.NORMAL);
            assertThat(client.received).isEqualTo(BYTES);
            assertThat(server.received).isEqualTo(BYTES);
            assertThat(client.firstBad).isEqualTo(-1);
            assertThat(server.firstBad).isEqualTo(-1);
            log.info("udp link ({}): {} bytes each way in {} s", a.link.isNative() ? "epoll" : "nio", BYTES,
                    KernelInteropBulkTest.fmt(seconds));
            assertThat(a.link.counters().totalDrops()).as(a.link.counters().toString()).isZero();
        }
        assertThat(alloc.metric().usedDirectMemory()).as("direct bytes still allocated").isZero();
        assertThat(alloc.metric().usedHeapMemory()).isZero();
    }

    @Test
    void datagramsThatAreNotIpv4TcpAreDroppedAndCountedByReason() throws Exception {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, true);
        try (UdpStackNode a = new UdpStackNode(A, tcp(), MTU, alloc); DatagramSocket junk = new DatagramSocket(
                new InetSocketAddress("127.0.0.1", 0))) {
            InetSocketAddress to = a.udpAddress();
            send(junk, to, new byte[60]); // from an endpoint not in the peer map
            assertThat(CloseStates.await(() -> a.link.counters().datagramsIn() == 1, 5_000)).isTrue();
            a.link.addPeer(B, (InetSocketAddress) junk.getLocalSocketAddress());
            send(junk, to, new byte[10]);
            send(junk, to, ipv4(60, 6, 5, 60, 0x60));
            send(junk, to, ipv4(60, 17, 5, 60, 0x40));
            send(junk, to, ipv4(60, 6, 2, 60, 0x40));
            send(junk, to, ipv4(60, 6, 15, 60, 0x40));
            send(junk, to, ipv4(60, 6, 5, 1000, 0x40));
            send(junk, to, ipv4(60, 6, 5, 60, 0x40)); // well-formed but checksums wrong: the engine's codec drops it
            UdpLinkCounters c = a.link.counters();
            assertThat(CloseStates.await(() -> c.datagramsIn() == 8, 5_000)).as(c.toString()).isTrue();
            assertThat(c.dropsByReason()).containsExactlyInAnyOrderEntriesOf(Map.of(
                    UdpDropReason.UNKNOWN_SENDER, 1L, UdpDropReason.TOO_SHORT, 1L, UdpDropReason.NOT_IPV4, 1L,
                    UdpDropReason.NOT_TCP, 1L, UdpDropReason.BAD_HEADER_LENGTH, 2L, UdpDropReason.LENGTH_MISMATCH, 1L));
            long codecDrops = a.call(s -> s.drops().total());
            assertThat(codecDrops).as("passed to the engine, which dropped it")
                    .isEqualTo(1);
            long received = a.call(s -> s.counters().packetsReceived);
            assertThat(received).isEqualTo(1);
        }
        assertThat(alloc.metric().usedDirectMemory()).isZero();
    }

    /** A datagram of {@code length} bytes with the given IPv4 protocol, IHL, total length and version byte. */
    private static byte[] ipv4(int length, int protocol, int ihl, int totalLength, int version) {
        byte[] p = new byte[length];
        p[0] = (byte) (version | ihl);
        p[2] = (byte) (totalLength >>> 8);
        p[3] = (byte) totalLength;
        p[9] = (byte) protocol;
        p[16] = 10;
        p[17] = 88;
        p[19] = 1;
        return p;
    }

    private static void send(DatagramSocket s, InetSocketAddress to, byte[] data) throws java.io.IOException {
        s.send(new DatagramPacket(data, data.length, to));
    }
}
