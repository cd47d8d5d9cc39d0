package org.nbstack.tcp.link;

import java.net.URI;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketLinkProvider;

/** Opens {@code sim://switchName?...} links; see {@link FaultyMemLink} for the query keys and {@link LinkFaults} for the model. */
public final class SimLinkProvider implements PacketLinkProvider {

    @Override
    public String scheme() {
        return "sim";
    }

    @Override
    public PacketLink open(URI uri, LinkContext context) {
        LinkUri parsed = LinkUri.parse(uri, FaultyMemLink.KEYS);
        return new FaultyMemLink(parsed, FaultyMemLink.faultsOf(parsed), parsed.longParam("seed", 1), context);
    }
}
