package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.LinkCounters;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.tcp.wire.Ipv4;

/**
 * {@code mem://switchName[?mtu=N]}: engines in one JVM exchange packets by reference through a
 * {@link MemSwitch}. The receiver is called on the sender's thread with the very buffer that was sent;
 * the engine's receiver moves it onto the owning event loop (batched {@code execute()}).
 * Loopback addresses (127/8) never reach a switch: an engine answers them itself.
 */
class MemLink implements PacketLink {
    static final int DEFAULT_MTU = 65535;

    final URI uri;
    final MemSwitch medium;
    final MemSwitch.Port port;
    final LinkCounters counters = new LinkCounters();
    final int mtu;
    private final AtomicBoolean closed = new AtomicBoolean();

    MemLink(LinkUri parsed, String switchKey, LinkContext context) {
        this.uri = parsed.uri;
        this.mtu = parsed.intParam("mtu", DEFAULT_MTU, 68, DEFAULT_MTU); // RFC 791: every host takes 68
        this.medium = MemSwitch.named(switchKey);
        int[] addresses = context.addresses().stream().mapToInt(Ipv4::of).filter(a -> a >>> 24 != 127).toArray();
        this.port = new MemSwitch.Port(addresses, context.receiver(), counters);
        medium.attach(port);
    }


    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    /** The switch hands over the very buffer that was sent: nothing between the engines can alter a bit. */
    @Override
    public boolean guaranteesIntegrity() {
        return true;
    }

    @Override
    public void send(ByteBuf packet) {
        int length = packet.readableBytes();
        if (closed.get() || length > mtu) {
            drop(packet);
            return;
        }
        if (medium.forward(packet)) {
            counters.sent(length);
        } else {
            drop(packet); // no engine on the switch owns the destination
        }
    }

    void drop(ByteBuf packet) {
        counters.dropped();
        packet.release();
    }

    @Override
    public LinkCounters counters() {
        return counters;
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            medium.detach(port);
        }
    }

    @Override
    public String toString() {
        return uri + " (" + counters + ")";
    }
}
