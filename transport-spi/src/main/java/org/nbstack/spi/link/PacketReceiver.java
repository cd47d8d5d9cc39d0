package org.nbstack.spi.link;

import io.netty.buffer.ByteBuf;

/**
 * Where a link delivers received IPv4 packets. Called on a thread of the link's choosing (for {@code mem},
 * the sender's), so the receiver hands packets over to its own threads itself; it must not block.
 */
@FunctionalInterface
public interface PacketReceiver {

    /** One received packet; ownership passes to the receiver. */
    void receive(ByteBuf packet);
}
