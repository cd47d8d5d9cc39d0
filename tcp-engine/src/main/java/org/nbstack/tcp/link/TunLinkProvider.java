package org.nbstack.tcp.link;

import java.io.UncheckedIOException;
import java.net.URI;
import java.util.Set;
import org.nbstack.spi.link.LinkContext;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketLinkProvider;

/**
 * Opens {@code tun://<ifname>[?mtu=N][&offload=true]} links: creates (or attaches to) the TUN device (with
 * {@code offload=true}: virtio-net headers and TCP checksum offload, see {@link TunDevice}) and sets its MTU
 * (default 1500) in the JVM's network namespace; addresses and routes are the administrator's business.
 */
public final class TunLinkProvider implements PacketLinkProvider {
    static final Set<String> KEYS = Set.of("mtu", "offload");
    static final int DEFAULT_MTU = 1500;

    @Override
    public String scheme() {
        return "tun";
    }

    @Override
    public PacketLink open(URI uri, LinkContext context) {
        LinkUri parsed = LinkUri.parse(uri, KEYS, "device", "nbs0");
        int mtu = parsed.intParam("mtu", DEFAULT_MTU, TunDevice.MIN_MTU, TunDevice.MAX_MTU);
        TunDevice tun = null;
        try {
            String offload = parsed.params.getOrDefault("offload", "false");
            if (!offload.equals("true") && !offload.equals("false")) {
                throw new IllegalArgumentException("link URI '" + uri + "': offload=" + offload + " is not true or false");
            }
            tun = TunDevice.open(parsed.name, Boolean.parseBoolean(offload));
            tun.setMtu(mtu);
            return new TunLink(uri, tun, mtu, context.receiver(), context.allocator(), context.eventLoops());
        } catch (TunException e) {
            if (tun != null) {
                tun.close();
            }
            throw new UncheckedIOException("tun link '" + uri + "': " + e.getMessage(), e);
        }
    }
}
