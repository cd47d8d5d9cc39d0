package org.nbstack.tcp.netty;

import java.net.Inet4Address;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.link.PacketLinks;
import org.nbstack.tcp.wire.Ipv4;

/**
 * What an engine is made of, from the {@code engine} transport's options:
 * {@code addresses} (comma-separated IPv4, default {@code 127.0.0.1}) and {@code link} (a PacketLink URI,
 * default {@code mem://default}).
 */
public record EngineConfig(List<Inet4Address> addresses, URI link) {
    public static final String ADDRESSES = "addresses";
    public static final String LINK = "link";
    public static final String DEFAULT_ADDRESSES = "127.0.0.1";
    public static final String DEFAULT_LINK = "mem://default";

    public EngineConfig {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("an engine needs at least one IPv4 address (option '" + ADDRESSES + "')");
        }
    }

    public static EngineConfig defaults() {
        return from(TransportOptions.empty());
    }

    public static EngineConfig of(String addresses, String link) {
        return from(TransportOptions.empty().with(ADDRESSES, addresses).with(LINK, link));
    }

    public static EngineConfig from(TransportOptions options) {
        String list = options.getOrDefault(ADDRESSES, DEFAULT_ADDRESSES);
        List<Inet4Address> addresses = new ArrayList<>();
        for (String part : list.split(",")) {
            String a = part.trim();
            if (a.isEmpty()) {
                continue;
            }
            try {
                addresses.add((Inet4Address) Ipv4.toInetAddress(Ipv4.parse(a)));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("engine option '" + ADDRESSES + "' = '" + list + "': '" + a
                        + "' is not an IPv4 address; write e.g. 127.0.0.1,10.0.0.1", e);
            }
        }
        URI link = PacketLinks.parse(options.getOrDefault(LINK, DEFAULT_LINK));
        if (!PacketLinks.providers().containsKey(link.getScheme().toLowerCase(java.util.Locale.ROOT))) {
            throw new IllegalArgumentException("engine option '" + LINK + "' = '" + link + "': unknown link scheme '"
                    + link.getScheme() + "'; known: " + String.join(", ", PacketLinks.providers().keySet()));
        }
        return new EngineConfig(addresses, link);
    }
}
