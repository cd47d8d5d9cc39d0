package org.nbstack.tcp.link;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLongArray;

/** Datagrams in and out of a udp link and drops by reason; updated on the link's thread, read from any. */
public final class UdpLinkCounters {
    private final AtomicLongArray drops = new AtomicLongArray(UdpDropReason.values().length);
    volatile long datagramsIn;
    volatile long datagramsOut;

    void drop(UdpDropReason reason) {
        drops.incrementAndGet(reason.ordinal());
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
        return "in=" + datagramsIn + " out=" + datagramsOut + " drops=" + dropsByReason();
    }
}
