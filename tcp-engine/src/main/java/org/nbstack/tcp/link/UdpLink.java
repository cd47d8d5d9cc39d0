package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nbstack.spi.link.LinkCounters;
import org.nbstack.spi.link.PacketLink;

/**
 * The {@code udp} PacketLink: a {@link UdpPacketLink} on one of the engine's event loops (an epoll
 * datagram channel on epoll loops, NIO on NIO loops). Received datagrams reach the engine's receiver on
 * that loop, inside the channel read; sends from other loops hop to it once per packet (the datagram
 * channel belongs to one loop).
 */
public final class UdpLink implements PacketLink {
    private final URI uri;
    private final UdpPacketLink link;
    private final AtomicBoolean closed = new AtomicBoolean();

    UdpLink(URI uri, UdpPacketLink link) {
        this.uri = uri;
        this.link = link;
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public int mtu() {
        return link.config().mtu();
    }

    /**
     * UDP's checksum covers the whole datagram and the kernel verifies it before delivery (RFC 768, RFC 1122
     * 4.1.3.4): the link's sockets never set SO_NO_CHECK, so the engine on the other end sends every datagram
     * checksummed (with GSO the kernel or NIC computes it per segment). Only a foreign sender that turns UDP
     * checksums off (a zero field, which IPv4 receivers must accept unchecked) is not covered.
     */
    @Override
    public boolean guaranteesIntegrity() {
        return true;
    }

    @Override
    public void send(ByteBuf packet) {
        link.send(packet);
    }

    @Override
    public LinkCounters counters() {
        return link.counters().totals();
    }

    /** Datagrams in and out and drops by {@link UdpDropReason}. */
    public UdpLinkCounters udpCounters() {
        return link.counters();
    }

    /** The bound UDP endpoint (its port when the URI asked for port 0). */
    public InetSocketAddress localAddress() {
        return link.localAddress();
    }

    /** Whether the link is Netty's native epoll datagram channel (recvmmsg/sendmmsg), not NIO. */
    public boolean isNative() {
        return link.isNative();
    }

    /** The engine loop the link's socket is registered on; received packets reach the engine there. */
    public io.netty.channel.EventLoop eventLoop() {
        return link.eventLoop();
    }

    /** Whether the link sends runs of equal-size packets as UDP GSO sends and reads with UDP GRO. */
    public boolean offloads() {
        return link.offloads();
    }

    /** Datagrams one read takes at most (recvmmsg on epoll; always 1 on NIO). */
    public int readBatch() {
        if (!link.isNative()) {
            return 1;
        }
        return link.offloads() ? Math.min(link.config().readBatch(), UdpPacketLink.GRO_BATCH) : link.config().readBatch();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            link.close();
        }
    }

    @Override
    public String toString() {
        return uri + " (" + link.counters() + ")";
    }
}
