package org.nbstack.tcp.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLinks;
import org.nbstack.tcp.link.TunLink;

/**
 * Where the {@code tun} link reads: on an epoll event loop of the group it is opened with (the descriptor
 * registered with Netty's epoll IoHandler), or, on NIO loops, on a reader thread of its own. The kernel
 * in a namespace the test creates sends UDP datagrams of many sizes to the engine's address through the
 * device; every one arrives whole, in order, on the expected thread. Closing the link removes the device.
 */
@Timeout(60)
class TunLinkLoopTest {
    private static final int DATAGRAMS = 400;
    /** UDP payload sizes 1..1400 bytes: small ones are copied out of the read buffer, large ones handed over. */
    private static final String SENDER = String.join("\n",
            "import socket, sys",
            "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)",
            "for i in range(int(sys.argv[2])):",
            "    s.sendto(b'x' * (1 + i * 7 % 1400), (sys.argv[1], 9))");

    @Test
    void onEpollLoopsTheDeviceIsReadOnTheLoopThread() throws Exception {
        Netns.assumeAvailable();
        assumeTrue(Epoll.isAvailable(), "Netty's native epoll transport does not load here: " + Epoll.unavailabilityCause());
        readThroughDevice(EpollIoHandler.newFactory(), true);
    }

    @Test
    void onNioLoopsTheDeviceIsReadByTheLinksOwnThread() throws Exception {
        Netns.assumeAvailable();
        readThroughDevice(NioIoHandler.newFactory(), false);
    }

    @Test
    void aLoopThatShutsDownBeforeTheLinkClosesFreesTheReadBuffer() throws Exception {
        Netns.assumeAvailable();
        assumeTrue(Epoll.isAvailable(), "Netty's native epoll transport does not load here: " + Epoll.unavailabilityCause());
        UnpooledByteBufAllocator counting = new UnpooledByteBufAllocator(true);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        TunLink link = (TunLink) PacketLinks.open(URI.create("tun://" + Netns.uniqueName("nbl") + "?mtu=1500"),
                new LinkContext(List.of((Inet4Address) InetAddress.getByName(TunNetwork.ENGINE)), ByteBuf::release,
                        counting, group));
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (counting.metric().usedDirectMemory() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(counting.metric().usedDirectMemory()).as("the registered reader holds its read buffer").isPositive();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync(); // e.g. a server stopping its loops first
        } finally {
            link.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
        assertThat(counting.metric().usedDirectMemory()).as("direct memory still held after loop shutdown and close").isZero();
    }

    private static void readThroughDevice(IoHandlerFactory handler, boolean expectLoop) throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, handler);
        String device = Netns.uniqueName("nbl");
        List<ByteBuf> received = new CopyOnWriteArrayList<>();
        List<Thread> readers = new CopyOnWriteArrayList<>();
        AtomicInteger offLoop = new AtomicInteger();
        Netns ns = null;
        try (TunLink link = (TunLink) PacketLinks.open(URI.create("tun://" + device + "?mtu=1500"),
                new LinkContext(List.of((Inet4Address) InetAddress.getByName(TunNetwork.ENGINE)), p -> {
                    if (!group.next().inEventLoop()) {
                        offLoop.incrementAndGet();
                    }
                    if (!readers.contains(Thread.currentThread())) {
                        readers.add(Thread.currentThread());
                    }
                    received.add(p);
                }, ByteBufAllocator.DEFAULT, group))) {
            assertThat(link.readsOnEventLoop()).isEqualTo(expectLoop);
            ns = Netns.create();
            Netns.run(List.of("ip", "link", "set", "dev", device, "netns", ns.name));
            ns.ip("addr", "add", TunNetwork.KERNEL + "/24", "dev", device);
            ns.ip("link", "set", "dev", device, "up");
            ns.exec("python3", "-c", SENDER, TunNetwork.ENGINE, "" + DATAGRAMS);

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (udpTo9(received).size() < DATAGRAMS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            // IPv4 (20) + UDP (8) + payload; the kernel may add its own packets (IPv6 is off on a TUN with no
            // link-local address, but be safe): only the datagrams to port 9 count.
            assertThat(udpTo9(received)).extracting(ByteBuf::readableBytes).containsExactlyElementsOf(
                    IntStream.range(0, DATAGRAMS).map(i -> 28 + 1 + i * 7 % 1400).boxed().toList());
            assertThat(readers).containsExactly(link.readerThread());
            if (expectLoop) {
                assertThat(offLoop).hasValue(0);
            } else {
                assertThat(link.readerThread().getName()).isEqualTo("nbstack-tun-" + device);
                assertThat(offLoop).hasValue(received.size());
            }
            assertThat(link.counters().packetsIn()).isEqualTo(received.size());
        } finally {
            received.forEach(ByteBuf::release);
            if (ns != null) {
                // The link is closed: the kernel has removed the device, also from the namespace.
                assertThat(ns.tryExec("ip", "link", "show", "dev", device).exit()).isNotZero();
                ns.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private static List<ByteBuf> udpTo9(List<ByteBuf> packets) {
        return packets.stream().filter(p -> p.readableBytes() >= 28 && p.getUnsignedByte(p.readerIndex() + 9) == 17
                && p.getUnsignedShort(p.readerIndex() + 22) == 9).toList();
    }
}
