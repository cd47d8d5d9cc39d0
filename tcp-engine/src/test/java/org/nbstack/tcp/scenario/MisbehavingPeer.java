package org.nbstack.tcp.scenario;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.util.ArrayDeque;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.nbstack.tcp.sim.SimNode;
import org.nbstack.tcp.sim.SimPacketOutput;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * A real engine stack whose host misbehaves on the way out: it advertises a tiny MSS, shrinks or closes its
 * window whatever its receiver really has, floods the other side with small out-of-order pieces of its own
 * stream (the right bytes, so only the receiver's bookkeeping is tested, not which copy of a byte wins),
 * replays old segments, or vanishes: from then on it sends nothing and hears nothing, as a host that lost
 * power or its route, without a RST or FIN. Every misbehaviour is off until the test turns it on.
 */
final class MisbehavingPeer implements SimNode {
    /** Segments kept for replaying as old duplicates. */
    private static final int REPLAY_HISTORY = 32;

    private final TcpStack stack;
    private final SimPacketOutput out;
    private final ByteBufAllocator alloc;
    private final LongSupplier clock;
    private final SplittableRandom random;
    private final DropCounters decodeDrops = new DropCounters();
    private final ArrayDeque<ByteBuf> history = new ArrayDeque<>();

    /** MSS option written into our SYN and SYN-ACK (0: the stack's own). */
    int advertisedMss;
    /** From this virtual time on, every window we advertise is shifted right by {@link #windowShift} (16: zero). */
    long shrinkFrom = Long.MAX_VALUE;
    long shrinkUntil = Long.MAX_VALUE;
    int windowShift;
    /** Probability that a data segment is followed by a burst of out-of-order pieces of the stream ahead of it. */
    double floodProbability;
    int floodBurst;
    /** Pieces the flood may send in all, so a run's work stays bounded. */
    int floodBudget;
    /** The pattern our endpoints send and the stream length, so that flooded pieces carry the right bytes. */
    long patternSeed;
    long streamLength;
    /** Probability that a packet we send is followed by a copy of an older one. */
    double replayProbability;
    /** Vanish just after sending our first SYN (the other side is left in SYN_RECEIVED). */
    boolean vanishAfterFirstSyn;
    private boolean vanished;
    private long vanishedAt = -1;
    private int iss;
    private boolean issKnown;
    long flooded;
    long replayed;

    MisbehavingPeer(SimPacketOutput out, StackConfig config, ByteBufAllocator alloc, LongSupplier clock, long seed) {
        this.out = out;
        this.alloc = alloc;
        this.clock = clock;
        this.random = new SplittableRandom(seed);
        this.stack = new TcpStack(config, this::misbehave, alloc, clock);
    }

    TcpStack stack() {
        return stack;
    }

    /** From now on nothing leaves or reaches this host and its timers stop: no RST, no FIN, no ACK ever again. */
    void vanish() {
        if (!vanished) {
            vanished = true;
            vanishedAt = clock.getAsLong();
        }
    }

    boolean vanished() {
        return vanished;
    }

    long vanishedAt() {
        return vanishedAt;
    }

    @Override
    public void receive(long nowNanos, ByteBuf ipPacket) {
        if (vanished) {
            ipPacket.release();
            return;
        }
        stack.receive(ipPacket);
    }

    @Override
    public void advance(long nowNanos) {
        if (!vanished) {
            stack.runTimers();
        }
    }

    @Override
    public long nextDeadline() {
        return vanished ? Long.MAX_VALUE : stack.nextDeadline();
    }

    /** Releases what this host still holds (its stack's buffers and the replay history). */
    void close() {
        history.forEach(ByteBuf::release);
        history.clear();
        stack.close();
    }

    private void misbehave(ByteBuf packet) {
        if (vanished) {
            packet.release();
            return;
        }
        TcpSegment s = PacketCodec.decode(packet, decodeDrops);
        if (s == null) {
            out.send(packet);
            return;
        }
        try {
            ByteBuf sent = rewrite(s, packet);
            remember(sent);
            out.send(sent);
            if (s.has(TcpFlags.SYN) && !s.has(TcpFlags.ACK)) {
                iss = s.seq;
                issKnown = true;
                if (vanishAfterFirstSyn) {
                    vanish();
                    return;
                }
            }
            if (s.payloadLength() > 0 && floodBudget > 0 && random.nextDouble() < floodProbability) {
                flood(s);
            }
            if (!history.isEmpty() && random.nextDouble() < replayProbability) {
                ByteBuf old = history.toArray(ByteBuf[]::new)[random.nextInt(history.size())];
                out.send(old.copy()); // a copy: the link may corrupt what it carries in place
                replayed++;
            }
        } finally {
            s.release();
        }
    }

    /** The packet as this host sends it: the stack's own bytes when nothing applies, else re-encoded. */
    private ByteBuf rewrite(TcpSegment s, ByteBuf packet) {
        long now = clock.getAsLong();
        boolean shrink = now >= shrinkFrom && now < shrinkUntil && !s.has(TcpFlags.RST);
        boolean tinyMss = advertisedMss > 0 && s.has(TcpFlags.SYN) && s.options.mss >= 0;
        if (!shrink && !tinyMss) {
            return packet;
        }
        TcpOptions o = s.options;
        TcpOptions options = tinyMss ? new TcpOptions(advertisedMss, o.windowScale, o.sackPermitted, o.hasTimestamps,
                o.tsVal, o.tsEcr, sackEdges(o)) : o;
        // RFC 7323 2.2: the window field of a SYN is never scaled; shrinking it is still a lie the peer must survive.
        int window = shrink ? (windowShift >= 16 ? 0 : s.window >>> windowShift) : s.window;
        packet.release();
        return PacketCodec.encode(new TcpSegment(s.srcAddr, s.dstAddr, s.srcPort, s.dstPort, s.seq, s.ack, s.flags,
                window, options, s.payload), alloc);
    }

    /** Small pieces of our own stream beyond {@code s}, with holes between them, all carrying the right bytes. */
    private void flood(TcpSegment s) {
        if (!issKnown) {
            return;
        }
        long next = (s.seq - iss - 1 & 0xffffffffL) + s.payloadLength();
        int gap = 1 + random.nextInt(3);
        for (int i = 0; i < floodBurst && floodBudget > 0; i++) {
            long offset = next + gap + (long) i * (gap + 1);
            if (offset >= streamLength) {
                return;
            }
            byte[] piece = {(byte) Endpoint.patternByte(patternSeed, offset)};
            TcpSegment p = new TcpSegment(s.srcAddr, s.dstAddr, s.srcPort, s.dstPort, (int) (iss + 1 + offset), s.ack,
                    TcpFlags.ACK, s.window, s.options.hasTimestamps ? TcpOptions.timestamps(s.options.tsVal,
                    s.options.tsEcr) : TcpOptions.NONE, Unpooled.wrappedBuffer(piece));
            out.send(PacketCodec.encode(p, alloc));
            p.release();
            floodBudget--;
            flooded++;
        }
    }

    private void remember(ByteBuf sent) {
        if (replayProbability <= 0) {
            return;
        }
        history.addLast(sent.copy());
        if (history.size() > REPLAY_HISTORY) {
            history.removeFirst().release();
        }
    }

    private static int[] sackEdges(TcpOptions o) {
        int[] edges = new int[2 * o.sackBlockCount()];
        for (int i = 0; i < o.sackBlockCount(); i++) {
            edges[2 * i] = o.sackLeft(i);
            edges[2 * i + 1] = o.sackRight(i);
        }
        return edges;
    }

    @Override
    public String toString() {
        return "misbehaving peer" + (vanished ? " (vanished at " + vanishedAt + " ns)" : "") + " mss=" + advertisedMss
                + " shrink>>" + windowShift + " from " + shrinkFrom + " until " + shrinkUntil + " flood " + floodProbability
                + "x" + floodBurst + " budget " + floodBudget + " flooded=" + flooded + " replay " + replayProbability
                + " replayed=" + replayed;
    }
}
