package org.nbstack.tcp.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketLinks;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Checksum;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.DropReason;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * The TCP checksum is skipped exactly where the link guarantees integrity: a peer on the same link sends the engine
 * one SYN whose window field was flipped after its checksum was computed (as a bit error on the wire would do) and
 * one intact SYN. On the sim link, which can corrupt, the flipped one is dropped as a bad TCP checksum and only the
 * intact one is answered; on the mem link, which cannot, both are answered, unverified and counted so, and the
 * engine's SYN-ACKs carry only the pseudo-header sum; with {@code checksums = ALWAYS} the mem link checks again.
 */
class LinkIntegrityChecksumTest {
    private static final AtomicInteger SWITCHES = new AtomicInteger();
    private static final String SERVER = "10.0.0.2";
    private static final String PEER = "10.0.0.66";
    private static final int PORT = 4141;
    private static final int CORRUPTED_PORT = 41000;
    private static final int INTACT_PORT = 41001;

    @Test
    @Timeout(60)
    void aCorruptedSegmentOverTheSimLinkIsDroppedAsABadChecksum() throws Exception {
        Outcome o = exchange("sim", StackConfig.Checksums.AUTO);
        assertThat(o.answeredPorts).containsOnlyKeys(INTACT_PORT);
        assertThat(o.badChecksumDrops).isEqualTo(1);
        assertThat(o.notVerified).isZero();
        assertThat(o.notComputed).isZero();
        assertThat(o.synAckChecksumVerifies).isTrue();
    }

    @Test
    @Timeout(60)
    void onTheMemLinkChecksumsAreNeitherVerifiedNorComputedAndThatIsCounted() throws Exception {
        Outcome o = exchange("mem", StackConfig.Checksums.AUTO);
        assertThat(o.answeredPorts).containsOnlyKeys(CORRUPTED_PORT, INTACT_PORT);
        assertThat(o.badChecksumDrops).isZero();
        assertThat(o.notVerified).isEqualTo(2);
        assertThat(o.notComputed).as("two SYN-ACKs, or more if one was retransmitted").isGreaterThanOrEqualTo(2);
        assertThat(o.synAckChecksumIsPseudoHeaderSum).isTrue();
    }

    @Test
    @Timeout(60)
    void checksumsAlwaysVerifiesAndComputesOnTheMemLinkToo() throws Exception {
        Outcome o = exchange("mem", StackConfig.Checksums.ALWAYS);
        assertThat(o.answeredPorts).containsOnlyKeys(INTACT_PORT);
        assertThat(o.badChecksumDrops).isEqualTo(1);
        assertThat(o.notVerified).isZero();
        assertThat(o.notComputed).isZero();
        assertThat(o.synAckChecksumVerifies).isTrue();
    }

    /** What the peer saw of a SYN-ACK: whether its checksum verifies, or holds only the pseudo-header sum. */
    private record SynAck(boolean verifies, boolean pseudoHeaderSum) {
    }

    private record Outcome(Map<Integer, SynAck> answeredPorts, long badChecksumDrops, long notVerified,
            long notComputed, boolean synAckChecksumVerifies, boolean synAckChecksumIsPseudoHeaderSum) {
    }

    private static Outcome exchange(String scheme, StackConfig.Checksums checksums) throws Exception {
        String link = scheme + "://integrity-" + ProcessHandle.current().pid() + "-" + SWITCHES.incrementAndGet();
        int server = Ipv4.parse(SERVER);
        int peer = Ipv4.parse(PEER);
        Map<Integer, SynAck> synAcks = new ConcurrentHashMap<>();
        Engine engine = Engine.create(EngineConfig.of(SERVER, link)
                .withStack(StackConfig.builder(server).checksums(checksums).build()));
        EventLoopGroup serverGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup peerGroup = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (PacketLink peerLink = PacketLinks.open(URI.create(link), new LinkContext(
                List.of((Inet4Address) InetAddress.getByName(PEER)), p -> {
                    TcpSegment s = PacketCodec.decode(p.duplicate(), new DropCounters(), false);
                    if (s != null && s.flags == (TcpFlags.SYN | TcpFlags.ACK)) {
                        int tcpLength = p.readableBytes() - PacketCodec.IPV4_HEADER_LENGTH;
                        TcpSegment verified = PacketCodec.decode(p.duplicate(), new DropCounters());
                        synAcks.putIfAbsent(s.dstPort, new SynAck(verified != null,
                                p.getUnsignedShort(p.readerIndex() + PacketCodec.IPV4_HEADER_LENGTH + 16)
                                        == Checksum.fold(Checksum.pseudoHeader(server, peer, tcpLength))));
                        if (verified != null) {
                            verified.release();
                        }
                    }
                    if (s != null) {
                        s.release();
                    }
                    p.release();
                }, UnpooledByteBufAllocator.DEFAULT, peerGroup))) {
            Channel listener = new ServerBootstrap().group(serverGroup)
                    .channelFactory(() -> new EngineServerSocketChannel(engine))
                    .childHandler(new ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(SERVER, PORT)).sync().channel();
            ByteBuf corrupted = syn(peer, server, CORRUPTED_PORT);
            corrupted.setShort(34, corrupted.getUnsignedShort(34) ^ 0x0100); // one bit of the window, after the checksum
            peerLink.send(corrupted);
            peerLink.send(syn(peer, server, INTACT_PORT));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!synAcks.containsKey(INTACT_PORT) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(synAcks).as("the intact SYN is answered").containsKey(INTACT_PORT);
            SynAck synAck = synAcks.get(INTACT_PORT);
            List<TcpStack> stacks = engine.stacks();
            Outcome o = new Outcome(Map.copyOf(synAcks),
                    stacks.stream().mapToLong(s -> s.drops().get(DropReason.BAD_TCP_CHECKSUM)).sum(),
                    stacks.stream().mapToLong(s -> s.counters().checksumsNotVerified).sum(),
                    stacks.stream().mapToLong(s -> s.counters().checksumsNotComputed).sum(), synAck.verifies,
                    synAck.pseudoHeaderSum);
            listener.close().sync();
            return o;
        } finally {
            serverGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            peerGroup.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
            engine.close();
        }
    }

    /** A SYN with a correct TCP checksum, as the peer's own stack would compute it for any link. */
    private static ByteBuf syn(int peer, int server, int port) {
        return PacketCodec.encode(new TcpSegment(peer, server, port, PORT, 1000, 0, TcpFlags.SYN, 65535,
                new TcpOptions(1460, 7, true, true, 5, 0, new int[0]), null), UnpooledByteBufAllocator.DEFAULT);
    }
}
