package org.nbstack.tcp.link;

import java.net.URI;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketLinkProvider;

/** Opens {@code sim://switchName?...} links; see {@link SimConditions} for the query keys. */
public final class SimLinkProvider implements PacketLinkProvider {

    @Override
    public String scheme() {
        return "sim";
    }

    @Override
    public PacketLink open(URI uri, LinkContext context) {
        LinkUri parsed = LinkUri.parse(uri, SimConditions.KEYS);
        return new SimLink(parsed, SimConditions.from(parsed), context);
    }
}
