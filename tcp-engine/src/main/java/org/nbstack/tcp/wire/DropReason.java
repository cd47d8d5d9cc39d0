package org.nbstack.tcp.wire;

/** Why an incoming packet was dropped before it reached a connection. Each reason has its own counter. */
public enum DropReason {
    SHORT_IP_HEADER("shorter than an IPv4 header"),
    NOT_IPV4("IP version is not 4"),
    BAD_IP_HEADER_LENGTH("IHL below 5 or beyond the packet"),
    TOTAL_LENGTH_MISMATCH("IPv4 total length disagrees with the packet size"),
    BAD_IP_CHECKSUM("IPv4 header checksum wrong"),
    FRAGMENT("IPv4 fragment discarded by reassembly (overlap, timeout, bound) or reaching the TCP decoder"),
    NOT_TCP("IP protocol is neither TCP nor ICMP"),
    SHORT_TCP_HEADER("shorter than a TCP header"),
    BAD_DATA_OFFSET("TCP data offset below 5 or beyond the segment"),
    BAD_TCP_CHECKSUM("TCP checksum wrong"),
    OPTION_OVERRUN("a TCP option's length runs past the header or is below 2"),
    BAD_OPTION_LENGTH("a known TCP option has the wrong length"),
    NOT_LOCAL_ADDRESS("destination address is not one of the engine's"),
    NO_ACK_TO_LISTENER("segment without SYN, ACK or RST (a NULL or FIN scan) to a listening port"),
    BAD_ADDRESS("source address is zero, broadcast, multicast, class E or loopback (RFC 1122 3.2.1.3)"),
    OWN_SOURCE_ADDRESS("source address is one of the engine's own but the packet came from the link (spoofed, LAND)"),
    BAD_ICMP("ICMP message too short, checksum wrong, or quoting no connection of the engine"),
    BAD_PORT("source or destination port is zero");

    private final String description;

    DropReason(String description) {
        this.description = description;
    }

    public String description() {
        return description;
    }

    /** Lower-case tag value for metrics: {@code short_ip_header}. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
