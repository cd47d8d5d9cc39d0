package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelPromise;
import io.netty.channel.epoll.SegmentedDatagramPacket;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects runs of equal-size packets to one peer, written in one loop iteration, into UDP GSO sends
 * ({@code UDP_SEGMENT}, Netty's {@link SegmentedDatagramPacket}): the kernel cuts the super-datagram into
 * the original datagrams, so a run costs one message of the sendmmsg instead of one per packet. A run ends
 * at another peer, a larger packet, a shorter one (which may still end it: GSO's last segment may be
 * short), {@link #MAX_SEGMENTS} packets or the 65,507-byte UDP payload limit. A receiver with UDP_GRO gets
 * a run as one coalesced read (Netty splits it again by segment size), any other receiver the datagrams
 * one by one. If the kernel refuses a GSO send (a path whose MTU is smaller than a segment), the batcher
 * turns itself off and the link goes on with one datagram per packet. Loop thread only.
 */
final class GsoBatcher {
    private static final Logger log = LoggerFactory.getLogger(GsoBatcher.class);
    /** Segments per GSO send: UDP_MAX_SEGMENTS of the kernels that allow the fewest (64 before 6.x). */
    static final int MAX_SEGMENTS = 64;

    private final Channel channel;
    private final ByteBufAllocator allocator;
    private final UdpLinkCounters counters;
    private boolean enabled = true;
    private ByteBuf run;
    private InetSocketAddress runTo;
    private int segment;
    private int count;
    private boolean closedByShortTail;

    GsoBatcher(Channel channel, ByteBufAllocator allocator, UdpLinkCounters counters) {
        this.channel = channel;
        this.allocator = allocator;
        this.counters = counters;
    }

    /** Takes ownership of {@code packet}: into the current run, or a new one. */
    void add(ByteBuf packet, InetSocketAddress to) {
        if (!enabled) {
            channel.write(new DatagramPacket(packet, to), channel.voidPromise());
            return;
        }
        int length = packet.readableBytes();
        if (run != null && (closedByShortTail || length > segment || count == MAX_SEGMENTS || !to.equals(runTo)
                || run.readableBytes() + length > UdpPacketLink.MAX_MTU)) {
            emit();
        }
        if (run == null) {
            run = packet;
            runTo = to;
            segment = length;
            count = 1;
            closedByShortTail = false;
            return;
        }
        if (count == 1) {
            CompositeByteBuf composite = allocator.compositeDirectBuffer(MAX_SEGMENTS);
            composite.addComponent(true, run);
            run = composite;
        }
        ((CompositeByteBuf) run).addComponent(true, packet);
        count++;
        closedByShortTail = length < segment;
    }

    /** Writes the current run, if any (before each flush). */
    void emit() {
        if (run == null) {
            return;
        }
        ByteBuf content = run;
        int segments = count;
        run = null;
        if (segments == 1) {
            channel.write(new DatagramPacket(content, runTo), channel.voidPromise());
            return;
        }
        counters.gsoSent(segments);
        ChannelPromise promise = channel.newPromise();
        promise.addListener(f -> {
            if (!f.isSuccess() && enabled && channel.isOpen()) {
                enabled = false; // the segments are lost; TCP retransmits them as single datagrams
                for (int i = 0; i < segments; i++) {
                    counters.drop(UdpDropReason.GSO_REFUSED);
                }
                log.warn("udp link {}: the kernel refused a GSO send of {} x {} bytes ({}); sending one datagram per"
                        + " packet from now on", channel.localAddress(), segments, segment, f.cause().toString());
            }
        });
        channel.write(new SegmentedDatagramPacket(content, segment, runTo), promise);
    }

    /** Releases a run not written yet (the link is closing). */
    void discard() {
        if (run != null) {
            run.release();
            run = null;
        }
    }
}
