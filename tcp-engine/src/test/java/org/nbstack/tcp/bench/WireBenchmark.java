package org.nbstack.tcp.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.nbstack.tcp.wire.DropCounters;
import org.nbstack.tcp.wire.Ipv4;
import org.nbstack.tcp.wire.PacketCodec;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Cost of the wire codec per packet: a full-sized data segment (1448 bytes, the payload of a 1500-byte
 * MTU with timestamps) and a pure ACK carrying timestamps and three SACK blocks, each encoded and
 * decoded with checksums. Not a test; run it through JMH.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Dio.netty.leakDetection.level=disabled")
public class WireBenchmark {
    private static final int MSS_WITH_TIMESTAMPS = 1448;

    /** Where packets and payloads live: pooled direct as on a real link, or heap as in the mem link. */
    @Param({"direct", "heap"})
    public String memory;

    private TcpSegment dataSegment;
    private TcpSegment sackAck;
    private ByteBuf dataPacket;
    private ByteBuf sackPacket;
    private ByteBuf out;
    private final DropCounters drops = new DropCounters();

    @Setup(Level.Trial)
    public void setUp() {
        ByteBufAllocator alloc = "direct".equals(memory) ? PooledByteBufAllocator.DEFAULT
                : new UnpooledByteBufAllocator(false);
        byte[] bytes = new byte[MSS_WITH_TIMESTAMPS];
        new SplittableRandom(139).nextBytes(bytes);
        ByteBuf payload = alloc.buffer(bytes.length).writeBytes(bytes);
        int client = Ipv4.parse("10.0.0.1");
        int server = Ipv4.parse("10.0.0.2");
        dataSegment = new TcpSegment(server, client, 139, 40000, 0x7fffff00, 0x12345678, TcpFlags.ACK | TcpFlags.PSH,
                501, TcpOptions.timestamps(0x01020304, 0x05060708), payload);
        TcpOptions sack = TcpOptions.timestamps(0x01020304, 0x05060708)
                .withSack(new int[] {0x12346000, 0x12347000, 0x12348000, 0x12349000, 0x1234a000, 0x1234b000});
        sackAck = new TcpSegment(client, server, 40000, 139, 0x12345678, 0x7fffff00, TcpFlags.ACK, 501, sack, null);
        dataPacket = PacketCodec.encode(dataSegment, alloc);
        sackPacket = PacketCodec.encode(sackAck, alloc);
        out = alloc.buffer(PacketCodec.encodedLength(dataSegment));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        dataSegment.release();
        dataPacket.release();
        sackPacket.release();
        out.release();
    }

    @Benchmark
    public int encodeDataSegment() {
        out.clear();
        PacketCodec.encode(dataSegment, out);
        return out.writerIndex();
    }

    @Benchmark
    public int decodeDataSegment() {
        TcpSegment segment = PacketCodec.decode(dataPacket, drops);
        int seq = segment.seq + segment.options.tsVal + segment.payloadLength();
        segment.release();
        return seq;
    }

    @Benchmark
    public int encodeSackAck() {
        out.clear();
        PacketCodec.encode(sackAck, out);
        return out.writerIndex();
    }

    @Benchmark
    public int decodeSackAck() {
        TcpSegment segment = PacketCodec.decode(sackPacket, drops);
        return segment.ack + segment.options.sackRight(segment.options.sackBlockCount() - 1);
    }
}
