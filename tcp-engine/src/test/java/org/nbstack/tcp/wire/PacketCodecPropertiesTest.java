package org.nbstack.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.wire.WireTestSupport.bytes;
import static org.nbstack.tcp.wire.WireTestSupport.fixLengthsAndChecksums;
import static org.nbstack.tcp.wire.WireTestSupport.ipChecksumVerifies;
import static org.nbstack.tcp.wire.WireTestSupport.tcpChecksumVerifies;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.nbstack.tcp.wire.WireTestSupport.BufferKind;

/**
 * Properties of the IPv4 + TCP codec over arbitrary segments: round trips are exact, corruption is
 * always caught, and no input makes decode throw or hold on to a buffer.
 */
class PacketCodecPropertiesTest {
    private static final Set<DropReason> IP_HEADER_REASONS = EnumSet.of(DropReason.NOT_IPV4,
            DropReason.BAD_IP_HEADER_LENGTH, DropReason.TOTAL_LENGTH_MISMATCH, DropReason.BAD_IP_CHECKSUM);
    private static final Set<DropReason> TCP_REASONS = EnumSet.of(DropReason.BAD_DATA_OFFSET,
            DropReason.BAD_TCP_CHECKSUM);

    /** Where encode writes: fresh buffers, and a composite whose first component is already consumed. */
    enum OutputKind {
        HEAP, DIRECT, POOLED_DIRECT, COMPOSITE_AT_ODD_INDEX;

        ByteBuf allocate() {
            return switch (this) {
                case HEAP -> Unpooled.buffer();
                case DIRECT -> Unpooled.directBuffer();
                case POOLED_DIRECT -> PooledByteBufAllocator.DEFAULT.directBuffer();
                case COMPOSITE_AT_ODD_INDEX -> {
                    CompositeByteBuf composite = Unpooled.compositeBuffer();
                    composite.addComponent(true, Unpooled.directBuffer(3).writeZero(3));
                    composite.skipBytes(3);
                    yield composite;
                }
            };
        }
    }

    record Header(int srcAddr, int dstAddr, int srcPort, int dstPort, int seq, int ack, int flags, int window) {
        TcpSegment with(TcpOptions options, ByteBuf payload) {
            return new TcpSegment(srcAddr, dstAddr, srcPort, dstPort, seq, ack, flags, window, options, payload);
        }
    }

    @Property(tries = 300)
    void decodeOfEncodeGivesBackEveryField(@ForAll("headers") Header header, @ForAll("options") TcpOptions options,
            @ForAll("payloads") byte[] payload, @ForAll BufferKind payloadKind, @ForAll OutputKind outputKind,
            @ForAll BufferKind inputKind) {
        ByteBuf payloadBuf = payloadKind.wrap(payload);
        TcpSegment original = header.with(options, payloadBuf);
        ByteBuf out = outputKind.allocate();
        try {
            PacketCodec.encode(original, out);
            assertThat(out.readableBytes()).as("encodedLength is exact").isEqualTo(PacketCodec.encodedLength(original));
            assertThat(payloadBuf.readableBytes()).as("payload untouched").isEqualTo(payload.length);
            byte[] wire = bytes(out);
            assertThat(ipChecksumVerifies(wire)).as("IP checksum, reference sum").isTrue();
            assertThat(tcpChecksumVerifies(wire)).as("TCP checksum, reference sum").isTrue();

            assertDecodesTo(out, original, payload);
            ByteBuf copy = inputKind.wrap(wire);
            try {
                assertDecodesTo(copy, original, payload);
            } finally {
                copy.release();
            }
        } finally {
            out.release();
            payloadBuf.release();
        }
    }

    private static void assertDecodesTo(ByteBuf packet, TcpSegment expected, byte[] payload) {
        DropCounters drops = new DropCounters();
        TcpSegment decoded = PacketCodec.decode(packet, drops);
        assertThat(WireTestSupport.counted(drops)).isEmpty();
        try {
            assertThat(decoded.srcAddr).isEqualTo(expected.srcAddr);
            assertThat(decoded.dstAddr).isEqualTo(expected.dstAddr);
            assertThat(decoded.srcPort).isEqualTo(expected.srcPort);
            assertThat(decoded.dstPort).isEqualTo(expected.dstPort);
            assertThat(decoded.seq).isEqualTo(expected.seq);
            assertThat(decoded.ack).isEqualTo(expected.ack);
            assertThat(decoded.flags).isEqualTo(expected.flags);
            assertThat(decoded.window).isEqualTo(expected.window);
            assertThat(decoded.options).isEqualTo(expected.options);
            if (expected.options.isEmpty()) {
                assertThat(decoded.options).isSameAs(TcpOptions.NONE);
            }
            assertThat(bytes(decoded.payload)).isEqualTo(payload);
            assertThat(packet.refCnt()).isEqualTo(payload.length == 0 ? 1 : 2);
        } finally {
            decoded.release();
        }
        assertThat(packet.refCnt()).isEqualTo(1);
    }

    @Property(tries = 1000)
    void everySingleBitFlipIsDropped(@ForAll("headers") Header header, @ForAll("options") TcpOptions options,
            @ForAll @Size(max = 1500) byte[] payload, @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int bitSeed,
            @ForAll BufferKind kind) {
        byte[] wire = PacketCodecTest.encoded(header.with(options, Unpooled.wrappedBuffer(payload)));
        int bit = bitSeed % (wire.length * 8);
        wire[bit / 8] ^= (byte) (0x80 >>> bit % 8);

        DropReason reason = assertDropped(kind, wire);
        if (bit / 8 < PacketCodec.IPV4_HEADER_LENGTH && ipChecksumStillValid(wire)) {
            return; // the flip moved the checksummed range onto bytes that compensate it: dropped by a later check
        }
        assertThat(reason).as("bit %d flipped", bit)
                .isIn(bit / 8 < PacketCodec.IPV4_HEADER_LENGTH ? IP_HEADER_REASONS : TCP_REASONS);
    }

    /**
     * Whether the IPv4 header, as its (possibly flipped) length field reads, still sums to all ones (RFC 1071). A flip
     * of the header length can make the checksum cover the TCP header's first bytes, which then compensate by chance
     * (a run drew bit 6, IHL 5 to 7, and the packet was dropped for its TCP data offset instead).
     */
    private static boolean ipChecksumStillValid(byte[] wire) {
        int length = (wire[0] & 0x0f) * 4;
        if (length < PacketCodec.IPV4_HEADER_LENGTH || length > wire.length) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < length; i += 2) {
            sum += ((wire[i] & 0xff) << 8) | (wire[i + 1] & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return sum == 0xffff;
    }

    @Property(tries = 100)
    void everyTruncationIsDropped(@ForAll("headers") Header header, @ForAll("options") TcpOptions options,
            @ForAll @Size(max = 64) byte[] payload) {
        byte[] wire = PacketCodecTest.encoded(header.with(options, Unpooled.wrappedBuffer(payload)));
        for (int cut = 0; cut < wire.length; cut++) {
            DropReason reason = assertDropped(BufferKind.DIRECT, Arrays.copyOf(wire, cut));
            assertThat(reason).as("cut at %d", cut)
                    .isEqualTo(cut < 20 ? DropReason.SHORT_IP_HEADER : DropReason.TOTAL_LENGTH_MISMATCH);
        }
    }

    @Property(tries = 100)
    void truncationsWithConsistentLengthsAreDroppedInTheHeaderAndShortenThePayloadAfterIt(
            @ForAll("headers") Header header, @ForAll("options") TcpOptions options,
            @ForAll @Size(max = 64) byte[] payload) {
        byte[] wire = PacketCodecTest.encoded(header.with(options, Unpooled.wrappedBuffer(payload)));
        int tcpHeaderLength = wire.length - 20 - payload.length;
        for (int cut = 20; cut < wire.length; cut++) {
            byte[] truncated = fixLengthsAndChecksums(Arrays.copyOf(wire, cut));
            int tcpLength = cut - 20;
            if (tcpLength < tcpHeaderLength) {
                DropReason reason = assertDropped(BufferKind.HEAP, truncated);
                assertThat(reason).as("cut at %d", cut)
                        .isEqualTo(tcpLength < 20 ? DropReason.SHORT_TCP_HEADER : DropReason.BAD_DATA_OFFSET);
            } else {
                ByteBuf packet = Unpooled.wrappedBuffer(truncated);
                TcpSegment decoded = PacketCodec.decode(packet, new DropCounters());
                assertThat(bytes(decoded.payload)).isEqualTo(Arrays.copyOf(payload, tcpLength - tcpHeaderLength));
                decoded.release();
                packet.release();
            }
        }
    }

    @Property(tries = 2000)
    void garbageNeverThrowsAndIsCountedOnce(@ForAll @Size(max = 100) byte[] garbage, @ForAll BufferKind kind) {
        decodeAnything(kind, garbage);
    }

    @Property(tries = 2000)
    void garbageBehindAValidIpHeaderNeverThrows(@ForAll @Size(max = 100) byte[] tcpGarbage,
            @ForAll @IntRange(min = 0, max = 15) int dataOffset, @ForAll BufferKind kind) {
        byte[] packet = new byte[20 + tcpGarbage.length];
        packet[0] = 0x45;
        packet[9] = 6;
        System.arraycopy(tcpGarbage, 0, packet, 20, tcpGarbage.length);
        if (tcpGarbage.length > 12) {
            packet[32] = (byte) (dataOffset << 4 | packet[32] & 0x0f);
        }
        decodeAnything(kind, fixLengthsAndChecksums(packet));
    }

    @Property(tries = 3000)
    void optionsParseAsTheReferenceParserSays(@ForAll("optionBytes") byte[] options, @ForAll BufferKind kind) {
        int paddedLength = (options.length + 3) & ~3;
        byte[] ack = PacketCodecTest.encoded(new TcpSegment(1, 2, 3, 4, 5, 6, TcpFlags.ACK, 7, null, null));
        byte[] wire = Arrays.copyOf(ack, ack.length + paddedLength);
        System.arraycopy(options, 0, wire, 40, options.length);
        wire[32] = (byte) ((20 + paddedLength) / 4 << 4);
        fixLengthsAndChecksums(wire);

        Object expected = ReferenceOptionParser.parse(Arrays.copyOf(options, paddedLength));
        ByteBuf packet = kind.wrap(wire);
        DropCounters drops = new DropCounters();
        try {
            TcpSegment decoded = PacketCodec.decode(packet, drops);
            if (expected instanceof DropReason reason) {
                assertThat(decoded).isNull();
                assertThat(WireTestSupport.counted(drops)).containsExactly(reason + "=1");
            } else {
                assertThat(WireTestSupport.counted(drops)).isEmpty();
                assertThat(decoded.options).isEqualTo(expected);
                decoded.release();
            }
        } finally {
            packet.release();
        }
    }

    /** Decodes and checks the invariants that hold for any input; returns nothing it could leak. */
    private static void decodeAnything(BufferKind kind, byte[] bytes) {
        ByteBuf packet = kind.wrap(bytes);
        int readerIndex = packet.readerIndex();
        DropCounters drops = new DropCounters();
        try {
            TcpSegment decoded = PacketCodec.decode(packet, drops);
            assertThat(packet.readerIndex()).isEqualTo(readerIndex);
            if (decoded == null) {
                assertThat(drops.total()).isEqualTo(1);
                assertThat(packet.refCnt()).isEqualTo(1);
            } else {
                assertThat(drops.total()).isZero();
                assertThat(packet.refCnt()).isEqualTo(decoded.payloadLength() == 0 ? 1 : 2);
                decoded.release();
            }
        } finally {
            assertThat(packet.refCnt()).isEqualTo(1);
            packet.release();
        }
    }

    /** Asserts the packet is dropped without retaining anything, and returns the one reason counted. */
    private static DropReason assertDropped(BufferKind kind, byte[] bytes) {
        ByteBuf packet = kind.wrap(bytes);
        DropCounters drops = new DropCounters();
        try {
            TcpSegment decoded = PacketCodec.decode(packet, drops);
            if (decoded != null) {
                decoded.release();
            }
            assertThat(decoded).as("accepted a corrupt packet").isNull();
            assertThat(packet.refCnt()).isEqualTo(1);
            assertThat(drops.total()).isEqualTo(1);
            return Arrays.stream(DropReason.values()).filter(r -> drops.get(r) == 1).findFirst().orElseThrow();
        } finally {
            packet.release();
        }
    }

    @Provide
    Arbitrary<Header> headers() {
        Arbitrary<Integer> any = Arbitraries.integers();
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xffff);
        return Combinators.combine(any, any, u16, u16, any, any, Arbitraries.integers().between(0, 0xff), u16)
                .as(Header::new);
    }

    @Provide
    Arbitrary<TcpOptions> options() {
        Arbitrary<Integer> mss = Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.integers().between(0, 0xffff));
        Arbitrary<Integer> windowScale = Arbitraries.oneOf(Arbitraries.just(-1), Arbitraries.integers().between(0, 14));
        Arbitrary<Boolean> flag = Arbitraries.of(true, false);
        Arbitrary<int[]> sackEdges = Arbitraries.integers().between(0, TcpOptions.MAX_SACK_BLOCKS)
                .flatMap(blocks -> Arbitraries.integers().array(int[].class).ofSize(2 * blocks));
        return Combinators.combine(mss, windowScale, flag, flag, Arbitraries.integers(), Arbitraries.integers(),
                sackEdges).as((m, ws, sackOk, ts, tsVal, tsEcr, edges) -> {
                    TcpOptions withoutSack = new TcpOptions(m, ws, sackOk, ts, tsVal, tsEcr, new int[0]);
                    int blocks = Math.min(edges.length / 2, OptionsCodec.sackBlocksThatFit(withoutSack));
                    return withoutSack.withSack(Arrays.copyOf(edges, 2 * blocks));
                });
    }

    @Provide
    Arbitrary<byte[]> payloads() {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(9000)
                .withSizeDistribution(RandomDistribution.uniform());
    }

    /** Option lists built from plausible pieces, valid and not, cut to the 40 bytes a header holds. */
    @Provide
    Arbitrary<byte[]> optionBytes() {
        Arbitrary<byte[]> piece = Arbitraries.oneOf(
                Arbitraries.of(new byte[] {1}, new byte[] {0}, new byte[] {4, 2}, new byte[] {4, 3, 0}),
                Arbitraries.integers().between(0, 0xffff).map(m -> new byte[] {2, 4, (byte) (m >>> 8), (byte) (int) m}),
                Arbitraries.integers().between(0, 255).map(ws -> new byte[] {3, 3, (byte) (int) ws}),
                Arbitraries.bytes().array(byte[].class).ofSize(8).map(ts -> concat(new byte[] {8, 10}, ts)),
                Arbitraries.integers().between(0, 5).flatMap(blocks -> Arbitraries.bytes().array(byte[].class)
                        .ofSize(8 * blocks).map(edges -> concat(new byte[] {5, (byte) (2 + 8 * blocks)}, edges))),
                Arbitraries.integers().between(0, 12).flatMap(length -> Arbitraries.bytes().array(byte[].class)
                        .ofSize(Math.max(0, length - 2)).map(body -> concat(new byte[] {(byte) 253, (byte) (int) length}, body))),
                Arbitraries.bytes().array(byte[].class).ofMinSize(1).ofMaxSize(3));
        return piece.list().ofMaxSize(10).map(pieces -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            pieces.forEach(all::writeBytes);
            byte[] bytes = all.toByteArray();
            return Arrays.copyOf(bytes, Math.min(bytes.length, OptionsCodec.MAX_OPTIONS_LENGTH));
        });
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] both = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        return both;
    }

    /** RFC 9293 §3.2 / RFC 7323 / RFC 2018 option rules, written plainly over a byte array. */
    static final class ReferenceOptionParser {
        static Object parse(byte[] o) {
            int mss = -1;
            int windowScale = -1;
            boolean sackPermitted = false;
            boolean timestamps = false;
            int tsVal = 0;
            int tsEcr = 0;
            int[] sack = new int[0];
            int i = 0;
            while (i < o.length && o[i] != 0) {
                if (o[i] == 1) {
                    i++;
                    continue;
                }
                if (i + 1 >= o.length) {
                    return DropReason.OPTION_OVERRUN;
                }
                int kind = o[i] & 0xff;
                int length = o[i + 1] & 0xff;
                if (length < 2 || i + length > o.length) {
                    return DropReason.OPTION_OVERRUN;
                }
                List<Integer> fixedLength = List.of(0, 0, 4, 3, 2, -1, 0, 0, 10);
                if (kind < fixedLength.size() && fixedLength.get(kind) > 0 && length != fixedLength.get(kind)) {
                    return DropReason.BAD_OPTION_LENGTH;
                }
                switch (kind) {
                    case 2 -> mss = u16(o, i + 2);
                    case 3 -> windowScale = Math.min(14, o[i + 2] & 0xff);
                    case 4 -> sackPermitted = true;
                    case 8 -> {
                        timestamps = true;
                        tsVal = u16(o, i + 2) << 16 | u16(o, i + 4);
                        tsEcr = u16(o, i + 6) << 16 | u16(o, i + 8);
                    }
                    case 5 -> {
                        if ((length - 2) % 8 != 0 || length < 10 || length > 34) {
                            return DropReason.BAD_OPTION_LENGTH;
                        }
                        sack = new int[(length - 2) / 4];
                        for (int e = 0; e < sack.length; e++) {
                            sack[e] = u16(o, i + 2 + 4 * e) << 16 | u16(o, i + 4 + 4 * e);
                        }
                    }
                    default -> {
                    }
                }
                i += length;
            }
            return new TcpOptions(mss, windowScale, sackPermitted, timestamps, tsVal, tsEcr, sack);
        }

        private static int u16(byte[] o, int at) {
            return (o[at] & 0xff) << 8 | o[at + 1] & 0xff;
        }
    }
}
