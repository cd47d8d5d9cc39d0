package org.nbstack.tcp.link;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;
import org.nbstack.spi.link.LinkCounters;

/** Datagrams in and out of a udp link and drops by reason; updated on the link's thread, read from any. */
public final class UdpLinkCounters {
    private final AtomicLongArray drops = new AtomicLongArray(UdpDropReason.values().length);
    private final LinkCounters totals;
    private volatile long datagramsIn;
    private volatile long datagramsOut;
    private volatile long gsoSends;
    private volatile long gsoSegments;

    /** @param totals the same traffic as the PacketLink SPI counts it (packets, bytes, drops) */
    public UdpLinkCounters(LinkCounters totals) {
        this.totals = totals;
    }

    public LinkCounters totals() {
        return totals;
    }

    void drop(UdpDropReason reason) {
        drops.incrementAndGet(reason.ordinal());
        totals.dropped();
    }

    // one writer, the link's loop, so ++ on a volatile is safe
    void received(int bytes) {
        datagramsIn++;
        totals.received(bytes);
    }

    // one writer, the link's loop, so ++ on a volatile is safe
    void sent(int bytes) {
        datagramsOut++;
        totals.sent(bytes);
    }

    // one writer, the link's loop, so ++ on a volatile is safe
    void gsoSent(int segments) {
        gsoSends++;
        gsoSegments += segments;
    }

    /** UDP GSO sends (each one super-datagram the kernel cuts into {@link #gsoSegments()} datagrams in all). */
    public long gsoSends() {
        return gsoSends;
    }

    /** Datagrams that left in GSO sends (also counted in {@link #datagramsOut()}). */
    public long gsoSegments() {
        return gsoSegments;
    }

    public long drops(UdpDropReason reason) {
        return drops.get(reason.ordinal());
    }

    public long totalDrops() {
        long sum = 0;
        for (int i = 0; i < drops.length(); i++) {
            sum += drops.get(i);
        }
        return sum;
    }

    public long datagramsIn() {
        return datagramsIn;
    }

    public long datagramsOut() {
        return datagramsOut;
    }

    public Map<UdpDropReason, Long> dropsByReason() {
        Map<UdpDropReason, Long> m = new EnumMap<>(UdpDropReason.class);
        for (UdpDropReason r : UdpDropReason.values()) {
            long n = drops(r);
            if (n != 0) {
                m.put(r, n);
            }
        }
        return m;
    }

    @Override
    public String toString() {
        return "in=" + datagramsIn + " out=" + datagramsOut + (gsoSends > 0 ? " (" + gsoSegments + " in " + gsoSends
                + " GSO sends)" : "") + " drops=" + dropsByReason();
    }
}
