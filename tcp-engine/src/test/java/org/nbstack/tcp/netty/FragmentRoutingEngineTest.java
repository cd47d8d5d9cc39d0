package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
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
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Checksum;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * Fragmented SYNs in an engine with two shards: every fragment goes to one shard for reassembly, and the whole
 * datagram is routed again to the shard its listener route picks, so each SYN is answered exactly once.
 */
class FragmentRoutingEngineTest {
    private static final int PORT = 4140;
    private static final int SYNS = 16;

    @Test
    @Timeout(60)
    void fragmentedSynsAreReassembledAndAnsweredWhateverShardOwnsThem() throws Exception {
        String link = "mem://frag-route-" + ProcessHandle.current().pid();
        Set<Integer> answered = ConcurrentHashMap.newKeySet();
        int peer = Ipv4.parse("10.0.0.66");
        int server = Ipv4.parse(EnginePair.SERVER_ADDRESS);
        try (EnginePair pair = new EnginePair(link, 2);
                PacketLink attacker = PacketLinks.open(URI.create(link), new LinkContext(
                        List.of((Inet4Address) InetAddress.getByName("10.0.0.66")), p -> {
                            TcpSegment s = PacketCodec.decode(p, new DropCounters(), false); // the mem link carries no TCP checksum
                            if (s != null && s.flags == (TcpFlags.SYN | TcpFlags.ACK)) {
                                answered.add(s.dstPort);
                            }
                            p.release();
                        }, UnpooledByteBufAllocator.DEFAULT, pair.clientGroup))) {
            Channel listener = new ServerBootstrap().group(pair.serverGroup)
                    .channelFactory(() -> new EngineServerSocketChannel(pair.server))
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(EnginePair.SERVER_ADDRESS, PORT)).sync().channel();
            for (int i = 0; i < SYNS; i++) {
                ByteBuf syn = PacketCodec.encode(new TcpSegment(peer, server, 41000 + i, PORT, 1000, 0, TcpFlags.SYN,
                        65535, new TcpOptions(1460, 7, true, true, 5, 0, new int[0]), null), UnpooledByteBufAllocator.DEFAULT);
                for (int off = 20; off < syn.readableBytes(); off += 16) { // 16-octet fragments
                    int len = Math.min(16, syn.readableBytes() - off);
                    boolean more = off + len < syn.readableBytes();
                    ByteBuf f = Unpooled.buffer(20 + len).writeBytes(syn, 0, 20).writeBytes(syn, off, len);
                    f.setShort(2, 20 + len).setShort(4, i).setShort(6, (more ? 0x2000 : 0) | (off - 20) / 8).setShort(10, 0);
                    f.setShort(10, Checksum.finish(Checksum.add(0, f, 0, 20)));
                    attacker.send(f);
                }
                syn.release();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (answered.size() < SYNS && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(answered).hasSize(SYNS);
            List<TcpStack> stacks = pair.server.stacks();
            assertThat(stacks).hasSize(2);
            assertThat(stacks).as("SYNs spread over both shards").allSatisfy(s -> assertThat(s.connectionCount()).isPositive());
            assertThat(stacks.stream().mapToLong(s -> s.ipInput().counters().datagramsReassembled).sum()).isEqualTo(SYNS);
            listener.close().sync();
        }
    }
}
