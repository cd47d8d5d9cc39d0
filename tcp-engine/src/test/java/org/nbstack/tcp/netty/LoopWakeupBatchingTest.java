package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoop;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketLinks;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Packets one piece of engine work (a shard's drain of its inbound packets, its timers, a channel's flush) hands to
 * another engine's loop wake that loop once, not once per packet: a burst of 64 SYNs sent during one piece of work
 * costs the server's shard one wake-up, even when the sender takes its time between packets (before, each packet
 * the server had already caught up with woke it again), and every SYN is answered. A lone packet costs one wake-up
 * and is answered once the work ends; a packet sent outside engine work wakes the loop at once.
 */
class LoopWakeupBatchingTest {
    private static final int PORT = 4141;
    private static final int BURST = 64;

    @Test
    @Timeout(60)
    void aBurstToOnePeerLoopWakesItOnce() throws Exception {
        String link = "mem://wakeup-batching-" + ProcessHandle.current().pid();
        Set<Integer> answered = ConcurrentHashMap.newKeySet(); // ports whose SYN got a SYN-ACK (retransmitted ones too)
        int peer = Ipv4.parse("10.0.0.67");
        int server = Ipv4.parse(EnginePair.SERVER_ADDRESS);
        try (EnginePair pair = new EnginePair(link, 1);
                PacketLink raw = PacketLinks.open(URI.create(link), new LinkContext(
                        List.of((Inet4Address) InetAddress.getByName("10.0.0.67")), p -> {
                            TcpSegment s = PacketCodec.decode(p, new DropCounters(), false); // the mem link carries no TCP checksum
                            if (s != null && s.flags == (TcpFlags.SYN | TcpFlags.ACK)) {
                                answered.add(s.dstPort);
                            }
                            if (s != null) {
                                s.release();
                            }
                            p.release();
                        }, UnpooledByteBufAllocator.DEFAULT, pair.clientGroup))) {
            Channel listener = new ServerBootstrap().group(pair.serverGroup)
                    .channelFactory(() -> new EngineServerSocketChannel(pair.server))
                    .option(io.netty.channel.ChannelOption.SO_BACKLOG, 2 * BURST)
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, PORT)).sync().channel();
            EventLoop sender = pair.clientGroup.next();

            long before = pair.server.loopWakeups();
            sender.submit(() -> {
                LoopWakeups work = LoopWakeups.begin(); // as a shard's drain or timers, or a channel's flush
                try {
                    for (int i = 0; i < BURST; i++) {
                        raw.send(PacketCodec.encode(syn(peer, server, 42000 + i), UnpooledByteBufAllocator.DEFAULT));
                        // Gives the server time to catch up with each packet, as a sender busy between packets does.
                        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2);
                        while (!answered.contains(42000 + i) && System.nanoTime() < until) {
                            Thread.onSpinWait();
                        }
                    }
                } finally {
                    work.end();
                }
            }).get(30, TimeUnit.SECONDS);
            awaitAnswers(answered, BURST);
            assertThat(pair.server.loopWakeups() - before).as("wake-ups of the server's loop for a burst of %d", BURST)
                    .isEqualTo(1);

            long beforeLone = pair.server.loopWakeups();
            sender.submit(() -> {
                LoopWakeups work = LoopWakeups.begin();
                try {
                    raw.send(PacketCodec.encode(syn(peer, server, 43000), UnpooledByteBufAllocator.DEFAULT));
                } finally {
                    work.end();
                }
            }).get(10, TimeUnit.SECONDS);
            awaitAnswers(answered, BURST + 1);
            assertThat(pair.server.loopWakeups() - beforeLone).as("wake-ups for a lone packet").isEqualTo(1);

            // Outside engine work (a link's reader thread, an application thread) a packet wakes the loop at once.
            long beforeOutside = pair.server.loopWakeups();
            raw.send(PacketCodec.encode(syn(peer, server, 43001), UnpooledByteBufAllocator.DEFAULT));
            awaitAnswers(answered, BURST + 2);
            assertThat(pair.server.loopWakeups() - beforeOutside).isEqualTo(1);
            listener.close().sync();
        }
    }

    private static TcpSegment syn(int from, int to, int port) {
        return new TcpSegment(from, to, port, PORT, 1000, 0, TcpFlags.SYN, 65535,
                new TcpOptions(1460, 7, true, true, 5, 0, new int[0]), null);
    }

    private static void awaitAnswers(Set<Integer> answered, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (answered.size() < n && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(answered).as("SYNs answered").hasSize(n);
    }
}
