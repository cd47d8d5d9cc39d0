package org.nbstack.tcp.link;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLinks;

/**
 * The {@code udp} link on the engine's own loop: native (epoll, recvmmsg/sendmmsg) on epoll loops, NIO on
 * NIO loops; either way a received packet reaches the receiver on that loop's thread, drops are counted by
 * reason, and a bind that cannot succeed fails in {@code open} with the address named.
 */
@Timeout(30)
class UdpLinkLoopTest {
    private static final int LINK_ADDRESS = 0x0a8d0001; // 10.141.0.1
    private static final int PEER_ADDRESS = 0x0a8d0002; // 10.141.0.2

    @Test
    void onEpollLoopsTheLinkIsNativeAndDeliversOnTheLoopThread() throws Exception {
        assumeTrue(Epoll.isAvailable(), "Netty's native epoll transport does not load here: "
                + Epoll.unavailabilityCause());
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            exchange(loops, true);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void onNioLoopsTheLinkIsNioAndDeliversOnTheLoopThread() throws Exception {
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            exchange(loops, false);
        } finally {
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void gsoRunsBetweenTwoLinksArriveSplitIntoTheOriginalPackets() throws Exception {
        assumeTrue(EpollDatagramChannel.isSegmentedDatagramPacketSupported(), "this kernel or Netty build has no UDP GSO");
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        List<ByteBuf> received = new CopyOnWriteArrayList<>();
        int portA = LoopbackUdp.freePort();
        int portB = LoopbackUdp.freePort();
        try {
            try (UdpLink b = (UdpLink) PacketLinks.open(URI.create("udp://127.0.0.1:" + portB
                    + "?mtu=9000&peer.10.141.0.1=127.0.0.1:" + portA), context(loops, received::add));
                    UdpLink a = (UdpLink) PacketLinks.open(URI.create("udp://127.0.0.1:" + portA
                            + "?mtu=9000&peer.10.141.0.2=127.0.0.1:" + portB), context(loops, p -> p.release()))) {
                assertThat(a.offloads()).isTrue();
                assertThat(b.offloads()).isTrue();
                // 1,000 packets: runs of 7 equal sizes (1,000 to 8,959 bytes), each packet numbered in its payload.
                a.eventLoop().submit(() -> {
                    for (int i = 0; i < 1000; i++) {
                        byte[] p = tcpPacket(LINK_ADDRESS, PEER_ADDRESS, 1000 + (i / 7) % 8 * 1137);
                        ByteBuf buf = Unpooled.wrappedBuffer(p);
                        buf.setInt(40, i);
                        a.send(buf);
                    }
                }).sync();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (received.size() < 1000 && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertThat(received).as("sender %s, receiver %s", a.udpCounters(), b.udpCounters()).hasSize(1000);
                for (int i = 0; i < 1000; i++) {
                    ByteBuf p = received.get(i);
                    assertThat(p.readableBytes()).isEqualTo(1000 + (i / 7) % 8 * 1137);
                    assertThat(p.getInt(p.readerIndex() + 40)).isEqualTo(i);
                    assertThat(heldBytes(p)).isLessThanOrEqualTo(4L * p.readableBytes());
                }
                // Every run holds 6 to 8 packets (7 of one size, a shorter packet may end one as its tail).
                assertThat(a.udpCounters().gsoSegments()).isEqualTo(1000);
                assertThat(a.udpCounters().gsoSends()).isBetween(1000L / 8, 1000L / 6);
                assertThat(b.udpCounters().datagramsIn()).isEqualTo(1000);
                assertThat(b.udpCounters().totalDrops()).isZero();
            }
        } finally {
            received.forEach(ByteBuf::release);
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aLoopWithoutSocketsIsRefusedAndABusyPortIsNamed() throws Exception {
        EventLoopGroup plain = new DefaultEventLoopGroup(1);
        EventLoopGroup loops = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            URI busy = URI.create("udp://127.0.0.1:" + taken.getLocalPort());
            assertThatThrownBy(() -> PacketLinks.open(busy, context(loops, p -> p.release())))
                    .isInstanceOf(UncheckedIOException.class)
                    .hasMessageContaining("cannot bind 127.0.0.1").hasMessageContaining("in use");
            assertThatThrownBy(() -> PacketLinks.open(URI.create("udp://127.0.0.1:0"), context(plain, p -> p.release())))
                    .hasMessageContaining("needs an epoll or NIO event loop");
            assertThatThrownBy(() -> PacketLinks.open(URI.create("udp://127.0.0.1:0?batch=0"), context(loops,
                    p -> p.release()))).hasMessageContaining("batch=0 is not an integer in 1..1024");
        } finally {
            plain.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /**
     * A kernel UDP socket stands in for the peer engine: 200 packets to the link and garbage of each kind,
     * then the link answers with 200 packets of its own.
     */
    private static void exchange(EventLoopGroup loops, boolean expectNative) throws Exception {
        List<ByteBuf> received = new CopyOnWriteArrayList<>();
        AtomicInteger offLoop = new AtomicInteger();
        try (DatagramSocket peer = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                DatagramSocket stranger = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            peer.setSoTimeout(5_000);
            URI uri = URI.create("udp://127.0.0.1:0?peer.10.141.0.2=127.0.0.1:" + peer.getLocalPort() + "&mtu=1472");
            UdpLink[] holder = new UdpLink[1];
            try (UdpLink link = (UdpLink) PacketLinks.open(uri, context(loops, p -> {
                if (!holder[0].eventLoop().inEventLoop()) {
                    offLoop.incrementAndGet();
                }
                received.add(p);
            }))) {
                holder[0] = link;
                assertThat(link.isNative()).isEqualTo(expectNative);
                assertThat(link.guaranteesIntegrity()).as("UDP's checksum, verified by the kernel, covers the datagram").isTrue();
                assertThat(link.eventLoop().parent()).isSameAs(loops);
                boolean gso = expectNative && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
                assertThat(link.offloads()).isEqualTo(gso);
                assertThat(link.readBatch()).isEqualTo(gso ? 16 : expectNative ? 64 : 1);
                int port = link.localAddress().getPort();
                for (int i = 0; i < 200; i++) {
                    LoopbackUdp.send(peer, tcpPacket(PEER_ADDRESS, LINK_ADDRESS, 40 + i), port);
                }
                LoopbackUdp.send(peer, new byte[] {1, 2, 3}, port);
                byte[] udp = tcpPacket(PEER_ADDRESS, LINK_ADDRESS, 60);
                udp[9] = 17;
                LoopbackUdp.send(peer, udp, port);
                LoopbackUdp.send(stranger, tcpPacket(PEER_ADDRESS, LINK_ADDRESS, 60), port);
                LoopbackUdp.awaitTrue(() -> received.size() == 200 && link.udpCounters().totalDrops() == 3);
                assertThat(offLoop).hasValue(0);
                assertThat(received).extracting(ByteBuf::readableBytes).containsExactlyElementsOf(
                        java.util.stream.IntStream.range(0, 200).map(i -> 40 + i).boxed().toList());
                // A kept packet holds at most 4 times its size, not the whole (recvmmsg) read buffer.
                assertThat(received).allSatisfy(p -> assertThat(heldBytes(p)).isLessThanOrEqualTo(4L * p.readableBytes()));
                assertThat(link.udpCounters().drops(UdpDropReason.TOO_SHORT)).isEqualTo(1);
                assertThat(link.udpCounters().drops(UdpDropReason.NOT_TCP)).isEqualTo(1);
                assertThat(link.udpCounters().drops(UdpDropReason.UNKNOWN_SENDER)).isEqualTo(1);

                // Sent from the loop, as the stack sends: one flush per loop iteration.
                link.eventLoop().submit(() -> {
                    for (int i = 0; i < 200; i++) {
                        link.send(Unpooled.wrappedBuffer(tcpPacket(LINK_ADDRESS, PEER_ADDRESS, 100 + i)));
                    }
                    link.send(Unpooled.wrappedBuffer(tcpPacket(LINK_ADDRESS, 0x0a8d0009, 60))); // nobody
                }).sync();
                byte[] in = new byte[2048];
                for (int i = 0; i < 200; i++) {
                    DatagramPacket dp = new DatagramPacket(in, in.length);
                    peer.receive(dp);
                    assertThat(dp.getLength()).isEqualTo(100 + i);
                }
                assertThat(link.udpCounters().drops(UdpDropReason.NO_ROUTE)).isEqualTo(1);
                assertThat(link.counters().packetsOut()).isEqualTo(200);

                // A run of equal-size packets and a short tail: one GSO send where offered; a receiver
                // without GRO (this kernel socket) still gets every datagram on its own.
                link.eventLoop().submit(() -> {
                    for (int i = 0; i < 30; i++) {
                        link.send(Unpooled.wrappedBuffer(tcpPacket(LINK_ADDRESS, PEER_ADDRESS, 1000)));
                    }
                    link.send(Unpooled.wrappedBuffer(tcpPacket(LINK_ADDRESS, PEER_ADDRESS, 500)));
                }).sync();
                for (int i = 0; i <= 30; i++) {
                    DatagramPacket dp = new DatagramPacket(in, in.length);
                    peer.receive(dp);
                    assertThat(dp.getLength()).isEqualTo(i < 30 ? 1000 : 500);
                }
                assertThat(link.udpCounters().gsoSends()).isEqualTo(gso ? 1 : 0);
                assertThat(link.udpCounters().gsoSegments()).isEqualTo(gso ? 31 : 0);
            }
        } finally {
            received.forEach(ByteBuf::release);
        }
    }

    private static LinkContext context(EventLoopGroup loops, org.nbstack.spi.link.PacketReceiver receiver)
            throws Exception {
        return new LinkContext(List.of((Inet4Address) InetAddress.getByName("10.141.0.1")), receiver,
                ByteBufAllocator.DEFAULT, loops);
    }

    /** An IPv4/TCP header pair (no options) from {@code src} to {@code dst}, padded to {@code length}. */
    private static byte[] tcpPacket(int src, int dst, int length) {
        ByteBuf p = Unpooled.buffer(length);
        p.writeInt(0x45 << 24 | length).writeInt(0).writeInt(64 << 24 | 6 << 16).writeInt(src).writeInt(dst);
        p.writeShort(40000).writeShort(7).writeInt(1).writeInt(0).writeShort(5 << 12 | 0x02).writeShort(65535)
                .writeInt(0);
        p.writeZero(length - p.readableBytes());
        byte[] bytes = new byte[length];
        p.readBytes(bytes);
        return bytes;
    }

    /** The capacity of the buffer {@code p} keeps alive: its own, or its root's if it is a slice or wrapper. */
    private static long heldBytes(ByteBuf p) {
        ByteBuf root = p;
        while (root.unwrap() != null) {
            root = root.unwrap();
        }
        return root.capacity();
    }
}
