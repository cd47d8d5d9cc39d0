package org.nbstack.spi.link;

import io.netty.buffer.ByteBuf;
import java.net.URI;

/**
 * The engine's packet device: sends IPv4 packets and hands received ones to the {@link PacketReceiver}
 * given at {@link PacketLinkProvider#open open}. Implementations: {@code mem} and {@code sim} (in-JVM),
 * {@code udp} (datagrams between processes) and {@code tun} (a Linux TUN device), in tcp-engine.
 *
 * <p>{@link #send} may be called from any thread, concurrently; it never blocks. A link that cannot take a
 * packet (queue full, no route, closed) drops it, releases it and counts it in {@link #counters()}: TCP
 * recovers from a drop, not from a stalled sender.
 */
public interface PacketLink extends AutoCloseable {

    /** The URI the link was opened from. */
    URI uri();

    /** Largest IPv4 packet (header included) the link carries; bigger ones are dropped. */
    int mtu();

    /** Sends one IPv4 packet (its readable bytes); ownership of {@code packet} passes to the link. */
    void send(ByteBuf packet);

    /**
     * Whether every packet this link delivers is bit for bit what its sender handed to the medium, so that the TCP
     * checksum would catch nothing: a medium that cannot corrupt (in-JVM hand-over by reference), or one whose own
     * check the kernel makes before delivery (UDP's checksum). Where it is true the engine neither computes nor
     * verifies the TCP checksum (unless configured to), and counts each segment it trusts so. A link that can
     * corrupt, or injects corruption on purpose, says false: the default.
     */
    default boolean guaranteesIntegrity() {
        return false;
    }

    /** Packets and bytes in and out, and drops; read racily by metrics. */
    LinkCounters counters();

    /** Detaches from the medium and releases every packet the link still holds. Idempotent. */
    @Override
    void close();
}
