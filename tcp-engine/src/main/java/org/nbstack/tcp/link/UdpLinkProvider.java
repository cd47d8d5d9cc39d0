package org.nbstack.tcp.link;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.LinkCounters;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketLinkProvider;
import org.nbstack.spi.link.PacketReceiver;

/** Opens {@code udp://<bind-host>:<port>?peer.<engineIPv4>=<host>:<port>&...[&mtu=N]} links. */
public final class UdpLinkProvider implements PacketLinkProvider {

    @Override
    public String scheme() {
        return "udp";
    }

    @Override
    public PacketLink open(URI uri, LinkContext context) {
        UdpPacketLink.Config config = UdpLinkUri.parse(uri);
        UdpLinkCounters counters = new UdpLinkCounters(new LinkCounters());
        PacketReceiver receiver = context.receiver();
        try {
            return new UdpLink(uri, UdpPacketLink.start(context.eventLoops().next(), config, context.allocator(),
                    counters, receiver::receive));
        } catch (IOException e) {
            throw new UncheckedIOException("udp link '" + uri + "' cannot bind " + config.bind().getHostString() + ":"
                    + config.bind().getPort() + ": " + e.getMessage(), e);
        }
    }
}
