package org.nbstack.tcp.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.concurrent.TimeUnit;
import org.nbstack.tcp.core.ConnectionEvents;
import org.nbstack.tcp.core.ConnectionId;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.core.TcpCounters;
import org.nbstack.tcp.link.LinkFaults;
import org.nbstack.tcp.sim.SimWorld;
import org.nbstack.tcp.sim.StackNode;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.StackConnection;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine's own costs: one in-order data segment through a connection's receive path (ACK
 * processing, delivery, delayed-ACK bookkeeping), and a bulk transfer between two engines over a
 * fault-free simulated link (codec, checksums, demultiplexing, both state machines). Not a test.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class EngineBenchmark {
    static final int SEGMENT = 1448;
    /** Bytes moved per invocation of {@link #bulkTransferOverSimLink}. */
    static final int BULK_BYTES = 64 << 20;

    private static final int CLIENT = Ipv4.parse("10.0.0.1");
    private static final int SERVER = Ipv4.parse("10.0.0.2");
    private final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
    private TcpConnection receiver;
    private ByteBuf payload;
    private int nextSeq;
    private int peerAck;

    @Setup(Level.Trial)
    public void establishReceiver() {
        TcpCounters counters = new TcpCounters();
        ConnectionEvents consumeAll = new ConnectionEvents() {
            @Override
            public void onData(TcpConnection c, ByteBuf data) {
                int n = data.readableBytes();
                data.release();
                c.consumed(0, n);
            }
        };
        int clientIsn = 1000;
        TcpSegment syn = new TcpSegment(CLIENT, SERVER, 40000, 139, clientIsn, 0, TcpFlags.SYN, 65535,
                new TcpOptions(1460, 7, true, true, 1, 0, new int[0]), null);
        receiver = TcpConnection.accept(0, new ConnectionId(SERVER, 139, CLIENT, 40000), TcpConfig.DEFAULT, 5000, 0,
                syn, consumeAll, TcpSegment::release, org.nbstack.tcp.core.ShardResources.of(alloc, counters));
        peerAck = 5001;
        nextSeq = clientIsn + 1;
        receiver.segmentArrived(0, segment(0));
        payload = alloc.buffer(SEGMENT).writeZero(SEGMENT);
    }

    private TcpSegment segment(int length) {
        return new TcpSegment(CLIENT, SERVER, 40000, 139, nextSeq, peerAck, TcpFlags.ACK, 65535,
                TcpOptions.timestamps(2, 1), length == 0 ? null : payload.retainedSlice(0, length));
    }

    /** One full-sized in-order segment arriving on an established connection. */
    @Benchmark
    public int receiveInOrderSegment() {
        TcpSegment seg = segment(SEGMENT);
        nextSeq += SEGMENT;
        receiver.segmentArrived(1, seg);
        return receiver.rcvNxt();
    }

    /** 64 MiB from one engine to another over a perfect simulated link; reported per byte. */
    @Benchmark
    @OperationsPerInvocation(BULK_BYTES)
    @Measurement(iterations = 5, time = 2)
    public long bulkTransferOverSimLink() {
        return transfer(BULK_BYTES);
    }

    static long transfer(int bytes) {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(false, true);
        TcpConfig tcp = TcpConfig.builder().receiveBuffer(4 << 20).sendBuffer(4 << 20).build();
        try (SimWorld world = SimWorld.builder(1).defaultLink(LinkFaults.PERFECT.withDelay(50_000, 0)).build()) {
            TcpStack client = world.addNode("client",
                    out -> new StackNode(out, StackConfig.of(CLIENT).withTcp(tcp).withSecretSeed(1), alloc, world::now), CLIENT)
                    .stack();
            TcpStack server = world.addNode("server",
                    out -> new StackNode(out, StackConfig.of(SERVER).withTcp(tcp).withSecretSeed(2), alloc, world::now), SERVER)
                    .stack();
            long[] received = {0};
            server.listen(0, 139, 16, l -> {
                StackConnection c;
                while ((c = l.poll()) != null) {
                    StackConnection accepted = c;
                    c.setHandler(new ConnectionEvents() {
                        @Override
                        public void onData(TcpConnection conn, ByteBuf data) {
                            int n = data.readableBytes();
                            received[0] += n;
                            data.release();
                            accepted.consumed(n);
                        }
                    });
                }
            });
            ByteBuf block = alloc.buffer(64 * 1024).writeZero(64 * 1024);
            long[] written = {0};
            StackConnection[] sender = new StackConnection[1];
            Runnable pump = () -> {
                StackConnection s = sender[0];
                while (written[0] < bytes && s.connection().sendSpace() >= block.readableBytes()) {
                    s.write(block.retainedDuplicate());
                    written[0] += block.readableBytes();
                }
                s.flush();
            };
            sender[0] = client.connect(CLIENT, 0, SERVER, 139, tcp, new ConnectionEvents() {
                @Override
                public void onData(TcpConnection c, ByteBuf data) {
                    data.release();
                }

                @Override
                public void onEstablished(TcpConnection c) {
                    pump.run();
                }

                @Override
                public void onSendSpace(TcpConnection c) {
                    pump.run();
                }
            });
            world.runUntil(() -> received[0] >= bytes, Long.MAX_VALUE / 4);
            block.release();
            sender[0].abort();
            client.close();
            server.close();
            return received[0];
        }
    }
}
