package org.nbstack.spi.link;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import java.net.Inet4Address;
import java.util.List;
import java.util.Objects;

/**
 * What a link is opened with.
 *
 * @param addresses  the IPv4 addresses of the engine attaching to the link (a switch routes them to it)
 * @param receiver   where received packets go
 * @param allocator  for packets the link creates (copies, datagrams read from a socket)
 * @param eventLoops loops a link may run its I/O and timers on (a {@code udp} link's datagram channel, a
 *                   {@code sim} link's delayed deliveries); not owned by the link
 */
public record LinkContext(List<Inet4Address> addresses, PacketReceiver receiver, ByteBufAllocator allocator,
        EventLoopGroup eventLoops) {

    public LinkContext {
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(receiver, "receiver");
        Objects.requireNonNull(allocator, "allocator");
        Objects.requireNonNull(eventLoops, "eventLoops");
    }
}
