package org.nbstack.tcp.link;

import java.net.URI;
import java.util.Set;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketLinkProvider;

/** Opens {@code mem://switchName[?mtu=N]} links. */
public final class MemLinkProvider implements PacketLinkProvider {
    static final Set<String> KEYS = Set.of("mtu");

    @Override
    public String scheme() {
        return "mem";
    }

    @Override
    public PacketLink open(URI uri, LinkContext context) {
        LinkUri parsed = LinkUri.parse(uri, KEYS);
        return new MemLink(parsed, "mem:" + parsed.name, context);
    }
}
