package org.nbstack.tcp.sim;

/**
 * What happened to the packets of one link direction. Every packet a node sent on the link, plus every
 * duplicate the link made, ends in exactly one of: delivered, lost, dropped (filter, MTU, partition, full
 * queue) or still in flight; {@link #accountedFor()} checks that. Corrupted and reordered packets are
 * also delivered (or dropped later), so they are counted on top.
 */
public final class SimLinkCounters {
    long sent;
    long delivered;
    long lost;
    long duplicated;
    long reordered;
    long corrupted;
    long droppedByFilter;
    long droppedByPartition;
    long droppedMtu;
    long droppedQueueFull;
    long inFlight;
    long bytesSent;
    long bytesDelivered;

    /** Packets the sending node handed to this link. */
    public long sent() {
        return sent;
    }

    /** Packets handed to the receiving node (corrupted ones included). */
    public long delivered() {
        return delivered;
    }

    /** Packets the random loss took. */
    public long lost() {
        return lost;
    }

    /** Extra copies the link made. */
    public long duplicated() {
        return duplicated;
    }

    /** Packets given an extra delay so that later ones can overtake them. */
    public long reordered() {
        return reordered;
    }

    /** Packets with one bit flipped. */
    public long corrupted() {
        return corrupted;
    }

    /** Packets a {@link SimPacketFilter} dropped. */
    public long droppedByFilter() {
        return droppedByFilter;
    }

    /** Packets sent while the direction was partitioned. */
    public long droppedByPartition() {
        return droppedByPartition;
    }

    /** Packets larger than the link's MTU. */
    public long droppedMtu() {
        return droppedMtu;
    }

    /** Packets that found the bandwidth queue full. */
    public long droppedQueueFull() {
        return droppedQueueFull;
    }

    /** Packets scheduled for delivery and not delivered yet; after the world closed, those it released undelivered. */
    public long inFlight() {
        return inFlight;
    }

    /** Bytes of all packets the sending node handed to this link. */
    public long bytesSent() {
        return bytesSent;
    }

    /** Bytes of all packets handed to the receiving node. */
    public long bytesDelivered() {
        return bytesDelivered;
    }

    /** Every packet dropped on the way, for whatever reason. */
    public long dropped() {
        return lost + droppedByFilter + droppedByPartition + droppedMtu + droppedQueueFull;
    }

    /** True when every packet sent or duplicated is delivered, dropped or in flight: the link lost track of none. */
    public boolean accountedFor() {
        return sent + duplicated == delivered + dropped() + inFlight;
    }

    @Override
    public String toString() {
        return "sent=" + sent + " delivered=" + delivered + " lost=" + lost + " duplicated=" + duplicated
                + " reordered=" + reordered + " corrupted=" + corrupted + " droppedByFilter=" + droppedByFilter
                + " droppedByPartition=" + droppedByPartition + " droppedMtu=" + droppedMtu
                + " droppedQueueFull=" + droppedQueueFull + " inFlight=" + inFlight + " bytesSent=" + bytesSent
                + " bytesDelivered=" + bytesDelivered;
    }
}
