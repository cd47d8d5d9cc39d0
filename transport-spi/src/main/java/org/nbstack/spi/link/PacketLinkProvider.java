package org.nbstack.spi.link;

import java.net.URI;

/**
 * Service interface found with {@link java.util.ServiceLoader} (register in
 * {@code META-INF/services/org.nbstack.spi.link.PacketLinkProvider}): opens links of one URI scheme.
 */
public interface PacketLinkProvider {

    /** The URI scheme it opens, lower case, e.g. {@code "mem"}. */
    String scheme();

    /**
     * Opens a link described by {@code uri} (its scheme is {@link #scheme()}).
     *
     * @throws IllegalArgumentException naming what is wrong with the URI and what is allowed
     */
    PacketLink open(URI uri, LinkContext context);
}
