/**
 * The PacketLink SPI: how the engine exchanges IPv4 packets ({@code mem}, {@code sim}, {@code udp},
 * {@code tun}), chosen by URI scheme through {@link java.util.ServiceLoader}.
 */
package org.nbstack.spi.link;
