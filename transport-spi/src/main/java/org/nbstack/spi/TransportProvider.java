package org.nbstack.spi;

/**
 * Service interface found with {@link java.util.ServiceLoader}: register an implementation in
 * {@code META-INF/services/org.nbstack.spi.TransportProvider}. Creating the provider must be cheap and
 * must not fail when the transport cannot run here; report that through {@link Transport#availability()}.
 */
public interface TransportProvider {

    /** The name users choose the transport by; lower case, unique. */
    String name();

    /** A transport configured by {@code options}; options a transport does not know are ignored. */
    Transport create(TransportOptions options);
}
