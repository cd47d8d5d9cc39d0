package org.nbstack.spi.link;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

/** Opens a {@link PacketLink} from a URI by its scheme, with one clear error for an unusable URI. */
public final class PacketLinks {

    private PacketLinks() {
    }

    /** Parses {@code uri}, or explains why it is not a link URI. */
    public static URI parse(String uri) {
        try {
            URI parsed = new URI(uri.trim());
            if (parsed.getScheme() == null) {
                throw new IllegalArgumentException("link URI '" + uri + "' has no scheme; write e.g. mem://default"
                        + " (schemes: " + String.join(", ", providers().keySet()) + ")");
            }
            return parsed;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("link URI '" + uri + "' is malformed: " + e.getMessage(), e);
        }
    }

    /** Opens the link {@code uri} names. */
    public static PacketLink open(URI uri, LinkContext context) {
        Map<String, PacketLinkProvider> providers = providers();
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        PacketLinkProvider provider = providers.get(scheme);
        if (provider == null) {
            throw new IllegalArgumentException("link URI '" + uri + "' has unknown scheme '" + scheme
                    + "'; known schemes: " + String.join(", ", providers.keySet()));
        }
        return provider.open(uri, context);
    }

    /** Every registered scheme, sorted. */
    public static Map<String, PacketLinkProvider> providers() {
        Map<String, PacketLinkProvider> byScheme = new TreeMap<>();
        for (PacketLinkProvider p : ServiceLoader.load(PacketLinkProvider.class, PacketLinks.class.getClassLoader())) {
            byScheme.putIfAbsent(p.scheme().toLowerCase(Locale.ROOT), p);
        }
        return byScheme;
    }
}
