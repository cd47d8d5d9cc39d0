package org.nbstack.tcp.ip;

/** Which IPv4 source addresses a packet from the link may not carry (RFC 1122 3.2.1.3, Linux's martians). */
final class SourceAddresses {
    private SourceAddresses() {
    }

    /**
     * True for 0.0.0.0/8 ("this network": never a TCP source), 127.0.0.0/8 (loopback: must not appear outside a
     * host), 224.0.0.0/4 (multicast) and 240.0.0.0/4 (class E, with the limited broadcast 255.255.255.255).
     */
    static boolean isInvalidSource(int address) {
        int first = address >>> 24;
        return first == 0 || first == 127 || first >= 224;
    }
}
