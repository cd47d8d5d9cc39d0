package org.nbstack.tcp.ip;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nbstack.tcp.wire.Checksum;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.DropReason;

/**
 * IPv4 reassembly (RFC 791 §3.2, RFC 815, RFC 1122 3.3.2), bounded: fragments are copied out of their packets and
 * charged (octets plus a fixed overhead per fragment) against a per-source and a total budget; a datagram waits at
 * most the reassembly timeout from its first fragment; overlapping fragments discard the whole datagram (RFC 5722's
 * rule, as Linux applies it to IPv4 since CVE-2018-5391), exact duplicates are ignored. When the total budget is
 * reached the oldest incomplete datagrams are discarded first. Every outcome is counted.
 */
final class FragmentReassembler {
    /** What a held fragment costs beyond its octets (bookkeeping), so tiny fragments cannot pin memory for free. */
    static final int FRAGMENT_OVERHEAD = 64;
    private static final int MAX_DATAGRAM = 0xffff;

    private record Key(int src, int dst, int id, int protocol) {
    }

    private record Piece(int offset, byte[] data) {
        int end() {
            return offset + data.length;
        }
    }

    private static final class Datagram {
        final Key key;
        final long deadline;
        final List<Piece> pieces = new ArrayList<>();
        byte[] firstHeader;
        int payloadLength = -1;
        int received;
        long charge;

        Datagram(Key key, long deadline) {
            this.key = key;
            this.deadline = deadline;
        }
    }

    private final IpConfig config;
    private final IpCounters counters;
    private final DropCounters drops;
    private final ByteBufAllocator alloc;
    /** Insertion order is deadline order: every datagram waits the same timeout from its first fragment. */
    private final LinkedHashMap<Key, Datagram> pending = new LinkedHashMap<>();
    private final Map<Integer, Long> chargePerSource = new HashMap<>();
    private long charge;

    FragmentReassembler(IpConfig config, IpCounters counters, DropCounters drops, ByteBufAllocator alloc) {
        this.config = config;
        this.counters = counters;
        this.drops = drops;
        this.alloc = alloc;
    }

    /** Discards the datagrams whose time is up (RFC 791: the reassembly timer). */
    void expire(long now) {
        Iterator<Datagram> it = pending.values().iterator();
        while (it.hasNext()) {
            Datagram d = it.next();
            if (d.deadline - now > 0) {
                return;
            }
            it.remove();
            release(d);
            counters.reassemblyTimeouts++;
            drops.increment(DropReason.FRAGMENT);
        }
    }

    /**
     * Adds one fragment (its IPv4 header, {@code headerLength} octets, already checked; the packet is not kept).
     * Returns the complete datagram as a new packet once the last hole is filled, else null.
     */
    ByteBuf add(long now, ByteBuf packet, int headerLength) {
        counters.fragmentsReceived++;
        int base = packet.readerIndex();
        int fragmentField = packet.getUnsignedShort(base + 6);
        int offset = (fragmentField & IpInput.FRAGMENT_OFFSET_MASK) * 8;
        boolean more = (fragmentField & IpInput.MORE_FRAGMENTS) != 0;
        int length = packet.getUnsignedShort(base + 2) - headerLength;
        // RFC 791: every fragment but the last carries a multiple of 8 octets; no datagram exceeds 65535 octets.
        if (length == 0 || (more && length % 8 != 0) || headerLength + offset + length > MAX_DATAGRAM) {
            return limitDrop();
        }
        Key key = new Key(packet.getInt(base + 12), packet.getInt(base + 16), packet.getUnsignedShort(base + 4),
                packet.getUnsignedByte(base + 9));
        Datagram d = pending.get(key);
        if (d == null) {
            d = new Datagram(key, now + config.reassemblyTimeoutNanos());
        }
        int end = offset + length;
        if (!more) {
            if (d.payloadLength >= 0 && d.payloadLength != end) {
                return discard(d, true); // two different ends: inconsistent, as an overlap
            }
            d.payloadLength = end;
        }
        for (Piece p : d.pieces) {
            if (p.offset == offset && p.end() == end) {
                drops.increment(DropReason.FRAGMENT); // an exact duplicate: keep the first copy
                return null;
            }
            if (offset < p.end() && p.offset < end || d.payloadLength >= 0 && p.end() > d.payloadLength) {
                return discard(d, true);
            }
        }
        if (d.payloadLength >= 0 && end > d.payloadLength) {
            return discard(d, true);
        }
        if (d.pieces.size() >= config.maxFragmentsPerDatagram()) {
            discard(d, false);
            counters.reassemblyLimitDrops++;
            return null;
        }
        long cost = length + FRAGMENT_OVERHEAD;
        if (chargePerSource.getOrDefault(key.src, 0L) + cost > config.reassemblyMemoryPerSource()
                || !makeRoom(cost, d)) {
            if (d.pieces.isEmpty()) {
                pending.remove(key);
            }
            return limitDrop();
        }
        byte[] data = new byte[length];
        packet.getBytes(base + headerLength, data);
        d.pieces.add(new Piece(offset, data));
        if (offset == 0) {
            d.firstHeader = new byte[headerLength];
            packet.getBytes(base, d.firstHeader);
        }
        d.received += length;
        d.charge += cost;
        charge += cost;
        chargePerSource.merge(key.src, cost, Long::sum);
        if (pending.putIfAbsent(key, d) == null) {
            counters.reassemblyDatagrams++;
        }
        counters.reassemblyBytes = charge;
        if (d.payloadLength < 0 || d.received != d.payloadLength || d.firstHeader == null) {
            return null;
        }
        pending.remove(key);
        release(d);
        counters.datagramsReassembled++;
        return assemble(d);
    }

    /** Evicts the oldest datagrams other than {@code keep} until {@code cost} fits the total budget. */
    private boolean makeRoom(long cost, Datagram keep) {
        Iterator<Datagram> it = pending.values().iterator();
        while (charge + cost > config.reassemblyMemory() && it.hasNext()) {
            Datagram oldest = it.next();
            if (oldest == keep) {
                continue;
            }
            it.remove();
            release(oldest);
            counters.reassemblyLimitDrops++;
            drops.increment(DropReason.FRAGMENT);
        }
        return charge + cost <= config.reassemblyMemory();
    }

    private ByteBuf assemble(Datagram d) {
        int headerLength = d.firstHeader.length;
        ByteBuf whole = alloc.buffer(headerLength + d.payloadLength);
        whole.writeBytes(d.firstHeader);
        whole.setShort(2, headerLength + d.payloadLength);
        whole.setShort(6, 0); // no longer a fragment
        whole.setShort(10, 0);
        whole.setShort(10, Checksum.finish(Checksum.add(0, whole, 0, headerLength)));
        whole.writeZero(d.payloadLength);
        for (Piece p : d.pieces) {
            whole.setBytes(headerLength + p.offset, p.data);
        }
        return whole;
    }

    private ByteBuf discard(Datagram d, boolean overlap) {
        if (pending.remove(d.key) != null) {
            release(d);
        }
        if (overlap) {
            counters.reassemblyOverlaps++;
        }
        drops.increment(DropReason.FRAGMENT);
        return null;
    }

    private ByteBuf limitDrop() {
        counters.reassemblyLimitDrops++;
        drops.increment(DropReason.FRAGMENT);
        return null;
    }

    private void release(Datagram d) {
        charge -= d.charge;
        long left = chargePerSource.getOrDefault(d.key.src, 0L) - d.charge;
        if (left <= 0) {
            chargePerSource.remove(d.key.src);
        } else {
            chargePerSource.put(d.key.src, left);
        }
        d.charge = 0;
        counters.reassemblyDatagrams--;
        counters.reassemblyBytes = charge;
    }
}
