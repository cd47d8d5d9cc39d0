package org.nbstack.tcp.link;

/** Why the udp link dropped a datagram or packet before the engine saw it. */
public enum UdpDropReason {
    /** Shorter than an IPv4 header plus a TCP header (40 bytes). */
    TOO_SHORT,
    /** The IP version nibble is not 4. */
    NOT_IPV4,
    /** IPv4 but the protocol is not TCP (6). */
    NOT_TCP,
    /** The IPv4 header length (IHL) is under 20 bytes or runs past the datagram. */
    BAD_HEADER_LENGTH,
    /** The IPv4 total length differs from the datagram's length (one packet per datagram). */
    LENGTH_MISMATCH,
    /** Sent from a UDP endpoint that is not in the peer map. */
    UNKNOWN_SENDER,
    /** Outbound: no UDP endpoint is configured for the packet's destination address. */
    NO_ROUTE,
    /** Outbound: larger than the link's MTU (a datagram this big would not be sent whole). */
    TOO_BIG,
    /** Outbound: the link or its event loop is closed. */
    CLOSED,
    /** Outbound: in a UDP GSO send the kernel refused (the link then sends one datagram per packet). */
    GSO_REFUSED
}
