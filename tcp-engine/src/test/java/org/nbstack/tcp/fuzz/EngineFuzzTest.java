package org.nbstack.tcp.fuzz;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.List;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.ConnectionEvents;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.StackConnection;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * The whole engine under arbitrary segment sequences: a stack with a listener and an established
 * connection gets segments whose flags, sequence and acknowledgment numbers (near the connection's own
 * or anywhere), windows, options and payloads come from the fuzzer, interleaved with timer runs and user
 * calls. No exception may escape, every connection stays in a legal state with sane bookkeeping, and
 * once the stack is closed every buffer is released.
 */
class EngineFuzzTest {
    private static final int ENGINE = Ipv4.parse("10.0.0.2");
    private static final int PEER = Ipv4.parse("10.0.0.1");
    private static final int PEER_PORT = 40000;

    @FuzzTest(maxDuration = "15s")
    void arbitrarySegmentSequences(FuzzedDataProvider data) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
        long[] now = {1_000_000_000L};
        List<TcpSegment> sentByEngine = new ArrayList<>();
        TcpStack stack = new TcpStack(StackConfig.builder(ENGINE).secretSeed(data.consumeLong()).build(),
                packet -> {
                    TcpSegment seg = PacketCodec.decode(packet, new org.nbstack.tcp.wire.DropCounters());
                    packet.release();
                    if (seg != null) {
                        sentByEngine.add(seg);
                    }
                }, alloc, () -> now[0]);
        List<StackConnection> accepted = new ArrayList<>();
        try {
            stack.listen(0, 139, 4, l -> {
                StackConnection c;
                while ((c = l.poll()) != null) {
                    StackConnection self = c;
                    c.setHandler(new Reader(self));
                    accepted.add(c);
                }
            });
            int peerSeq = data.consumeInt();
            // A real handshake first, so there is an established connection to attack.
            inject(stack, alloc, new TcpSegment(PEER, ENGINE, PEER_PORT, 139, peerSeq, 0, TcpFlags.SYN, 65535,
                    new TcpOptions(1460, 7, true, true, 1, 0, new int[0]), null));
            int engineIsn = sentByEngine.isEmpty() ? 0 : sentByEngine.get(0).seq;
            inject(stack, alloc, new TcpSegment(PEER, ENGINE, PEER_PORT, 139, peerSeq + 1, engineIsn + 1, TcpFlags.ACK,
                    65535, TcpOptions.timestamps(2, 0), null));
            int steps = data.consumeInt(1, 64);
            for (int i = 0; i < steps && data.remainingBytes() > 0; i++) {
                step(data, stack, alloc, now, peerSeq, engineIsn, accepted);
                checkInvariants(stack, accepted);
            }
        } finally {
            stack.close();
            sentByEngine.forEach(TcpSegment::release);
            long held = alloc.metric().usedHeapMemory() + alloc.metric().usedDirectMemory();
            if (held != 0) {
                throw new AssertionError(held + " bytes of buffers leaked");
            }
        }
    }

    private static void step(FuzzedDataProvider data, TcpStack stack, UnpooledByteBufAllocator alloc, long[] now,
            int peerSeq, int engineIsn, List<StackConnection> accepted) {
        switch (data.consumeInt(0, 9)) {
            case 0 -> {
                now[0] += data.consumeLong(0, 200_000_000_000L);
                stack.runTimers();
            }
            case 1 -> accepted.forEach(c -> {
                if (c.state() != TcpState.CLOSED && !c.connection().isOutputShutdown() && c.connection().sendSpace() > 0) {
                    int n = data.consumeInt(0, 3000);
                    c.write(alloc.heapBuffer(n).writeZero(n));
                    c.flush();
                }
            });
            case 2 -> accepted.forEach(c -> {
                if (c.state() != TcpState.CLOSED) {
                    if (data.consumeBoolean()) {
                        c.close();
                    } else {
                        c.shutdownOutput();
                    }
                }
            });
            case 3 -> accepted.forEach(c -> {
                if (c.state() != TcpState.CLOSED) {
                    c.abort();
                }
            });
            default -> {
                boolean nearOwn = data.consumeBoolean();
                int seq = nearOwn ? peerSeq + data.consumeInt(-70_000, 70_000) : data.consumeInt();
                int ack = nearOwn ? engineIsn + data.consumeInt(-70_000, 70_000) : data.consumeInt();
                int flags = data.consumeInt(0, 0xff);
                int port = data.consumeBoolean() ? PEER_PORT : data.consumeInt(1, 65535);
                int window = data.consumeInt(0, 0xffff);
                TcpOptions options = data.consumeBoolean() ? TcpOptions.NONE
                        : new TcpOptions(data.consumeInt(-1, 65535), data.consumeInt(-1, 14), data.consumeBoolean(),
                                data.consumeBoolean(), data.consumeInt(), data.consumeInt(), sack(data));
                int length = data.consumeInt(0, 2000);
                ByteBuf payload = length == 0 ? null : alloc.heapBuffer(length).writeZero(length);
                inject(stack, alloc, new TcpSegment(PEER, ENGINE, port, 139, seq, ack, flags, window, options, payload));
            }
        }
    }

    private static int[] sack(FuzzedDataProvider data) {
        int blocks = data.consumeInt(0, 3);
        int[] edges = new int[2 * blocks];
        for (int i = 0; i < edges.length; i++) {
            edges[i] = data.consumeInt();
        }
        return edges;
    }

    private static void inject(TcpStack stack, UnpooledByteBufAllocator alloc, TcpSegment seg) {
        ByteBuf packet;
        try {
            packet = PacketCodec.encode(seg, alloc);
        } catch (IllegalArgumentException unsendable) {
            return; // a combination the codec refuses to put on the wire (e.g. options over 40 bytes)
        } finally {
            seg.release();
        }
        stack.receive(packet);
    }

    private static void checkInvariants(TcpStack stack, List<StackConnection> accepted) {
        if (stack.resources().bufferedBytes() < 0) {
            throw new AssertionError("negative buffered bytes: " + stack.resources().bufferedBytes());
        }
        for (TcpState s : TcpState.values()) {
            if (stack.tcpCounters().connectionsIn(s) < 0) {
                throw new AssertionError("negative connection count in " + s);
            }
        }
        for (StackConnection c : accepted) {
            TcpConnection conn = c.connection();
            if (conn.sendQueueBytes() < 0 || conn.receiveQueueBytes() < 0 || conn.outOfOrderBytes() < 0) {
                throw new AssertionError("negative queue in " + conn);
            }
            if (conn.state() == TcpState.CLOSED && conn.closeReason() == null) {
                throw new AssertionError("closed without a reason: " + conn);
            }
        }
    }

    /** Reads and consumes whatever arrives. */
    private record Reader(StackConnection self) implements ConnectionEvents {
        @Override
        public void onData(TcpConnection c, ByteBuf data) {
            int n = data.readableBytes();
            data.release();
            self.consumed(n);
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
        }
    }
}
