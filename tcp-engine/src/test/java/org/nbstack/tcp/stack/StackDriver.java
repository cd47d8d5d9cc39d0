package org.nbstack.tcp.stack;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * One server stack driven packet by packet in virtual time: the test plays the peer, sends exact segments
 * and reads back exactly what the stack answered.
 */
final class StackDriver implements AutoCloseable {
    static final int SERVER = Ipv4.parse("10.0.0.2");
    static final int PEER = Ipv4.parse("10.0.0.1");
    static final int PORT = 139;
    static final long MS = 1_000_000L;
    static final long SEC = 1_000_000_000L;

    final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
    final TcpStack stack;
    final List<TcpSegment> sent = new ArrayList<>();
    final List<StackConnection> accepted = new ArrayList<>();
    long now = SEC;
    Listener listener;
    /** Whether the application takes connections from the accept queue as they arrive. */
    boolean accepting = true;

    StackDriver(StackConfig config) {
        stack = new TcpStack(config.withSecretSeed(7), packet -> {
            TcpSegment seg = PacketCodec.decode(packet, new DropCounters());
            packet.release();
            sent.add(seg);
        }, alloc, () -> now);
    }

    static StackConfig.Builder config() {
        return StackConfig.builder(SERVER).tcp(org.nbstack.tcp.core.TcpConfig.builder().timestamps(false).build());
    }

    void listen(int backlog) {
        listener = stack.listen(0, PORT, backlog, l -> {
            while (accepting) {
                StackConnection c = l.poll();
                if (c == null) {
                    break;
                }
                accepted.add(c);
            }
        });
    }

    /** Delivers a segment from the peer and returns what the stack sent in answer. */
    List<TcpSegment> in(int peerPort, int seq, int ack, int flags) {
        return in(new TcpSegment(PEER, SERVER, peerPort, PORT, seq, ack, flags, 65535, TcpOptions.NONE, null));
    }

    List<TcpSegment> in(TcpSegment seg) {
        forget();
        stack.receive(PacketCodec.encode(seg, alloc));
        seg.release();
        return List.copyOf(sent);
    }

    /** Releases what the stack sent before (its payloads); the headers stay readable. */
    private void forget() {
        sent.forEach(TcpSegment::release);
        sent.clear();
    }

    /** Advances virtual time, running the stack's timers, and returns what it sent meanwhile. */
    List<TcpSegment> advance(long nanos) {
        forget();
        long end = now + nanos;
        while (stack.nextDeadline() <= end) {
            now = Math.max(now, stack.nextDeadline());
            stack.runTimers();
        }
        now = end;
        return List.copyOf(sent);
    }

    /** Handshake from {@code peerPort} with ISN {@code isn}; returns the server's ISN. */
    int handshake(int peerPort, int isn) {
        List<TcpSegment> synAck = in(peerPort, isn, 0, TcpFlags.SYN);
        if (synAck.size() != 1 || synAck.get(0).flags != (TcpFlags.SYN | TcpFlags.ACK)) {
            throw new AssertionError("expected one SYN-ACK, got " + synAck);
        }
        int serverIsn = synAck.get(0).seq;
        in(peerPort, isn + 1, serverIsn + 1, TcpFlags.ACK);
        return serverIsn;
    }

    /**
     * Opens a connection from {@code peerPort}, lets the server close first and completes the close, so the
     * server holds the 4-tuple in TIME_WAIT. Returns the server's SND.NXT there (the old ACK's sequence number).
     */
    int serverInTimeWait(int peerPort, int isn) {
        int serverIsn = handshake(peerPort, isn);
        accepted.get(accepted.size() - 1).close();
        in(peerPort, isn + 1, serverIsn + 2, TcpFlags.ACK | TcpFlags.FIN);
        if (stack.timeWaitCount() < 1) {
            throw new AssertionError("server not in TIME_WAIT: " + stack.netstat());
        }
        return serverIsn + 2;
    }

    static boolean isOldAck(TcpSegment s, int seq, int ack) {
        return s.flags == TcpFlags.ACK && s.seq == seq && s.ack == ack;
    }

    @Override
    public void close() {
        stack.close();
        sent.forEach(TcpSegment::release);
        long heap = alloc.metric().usedHeapMemory();
        if (heap != 0) {
            throw new AssertionError("leaked " + heap + " heap bytes");
        }
    }

}
