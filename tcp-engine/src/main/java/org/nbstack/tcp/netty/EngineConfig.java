package org.nbstack.tcp.netty;

import java.net.Inet4Address;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.link.PacketLinks;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.wire.Ipv4;

/**
 * What an engine is made of, from the {@code engine} transport's options:
 * {@code addresses} (comma-separated IPv4, default {@code 127.0.0.1}) and {@code link} (a PacketLink URI,
 * default {@code mem://default}); and in code, the stack's settings ({@link #withStack}).
 *
 * @param stack TCP and stack settings for every shard, or null for the defaults; its TCP MSS is lowered to
 *              what the link's MTU carries when the link opens
 */
public record EngineConfig(List<Inet4Address> addresses, URI link, StackConfig stack) {
    public static final String ADDRESSES = "addresses";
    public static final String LINK = "link";
    public static final String DEFAULT_ADDRESSES = "127.0.0.1";
    public static final String DEFAULT_LINK = "mem://default";

    public EngineConfig {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("an engine needs at least one IPv4 address (option '" + ADDRESSES + "')");
        }
        if (stack != null && !stack.addresses().equals(addresses.stream().map(Ipv4::of).toList())) {
            throw new IllegalArgumentException("the stack settings are for addresses " + stack.addresses().stream()
                    .map(Ipv4::toString).toList() + " but the engine owns " + addresses.stream()
                    .map(Inet4Address::getHostAddress).toList() + "; build the StackConfig for the engine's addresses");
        }
    }

    /** Default stack settings. */
    public EngineConfig(List<Inet4Address> addresses, URI link) {
        this(addresses, link, null);
    }

    /** These addresses and link with {@code stack}'s TCP and stack settings (built for the same addresses). */
    public EngineConfig withStack(StackConfig stack) {
        return new EngineConfig(addresses, link, stack);
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
