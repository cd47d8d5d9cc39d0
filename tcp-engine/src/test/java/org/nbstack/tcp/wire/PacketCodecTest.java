package org.nbstack.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nbstack.tcp.wire.WireTestSupport.bytes;
import static org.nbstack.tcp.wire.WireTestSupport.fixLengthsAndChecksums;
import static org.nbstack.tcp.wire.WireTestSupport.hex;
import static org.nbstack.tcp.wire.WireTestSupport.ipChecksumVerifies;
import static org.nbstack.tcp.wire.WireTestSupport.onesComplementSum;
import static org.nbstack.tcp.wire.WireTestSupport.putShort;
import static org.nbstack.tcp.wire.WireTestSupport.tcpChecksumVerifies;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nbstack.tcp.wire.WireTestSupport.BufferKind;

/** Worked examples of the IPv4 + TCP codec: header layout, every drop reason, buffer ownership. */
class PacketCodecTest {
    private static final int CLIENT = Ipv4.parse("10.0.0.1");
    private static final int SERVER = Ipv4.parse("10.0.0.2");
    private static final byte[] HELLO = "hello, nbstack".getBytes(StandardCharsets.US_ASCII);

    @Test
    void encodesTheIpv4HeaderAsSpecified() {
        byte[] packet = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, HELLO));
        int totalLength = 20 + 20 + HELLO.length;
        assertThat(packet).hasSize(totalLength);
        assertThat(packet[0]).as("version 4, IHL 5").isEqualTo((byte) 0x45);
        assertThat(packet[1]).as("TOS").isZero();
        assertThat((packet[2] & 0xff) << 8 | packet[3] & 0xff).as("total length").isEqualTo(totalLength);
        assertThat(Arrays.copyOfRange(packet, 4, 8)).as("ID 0, DF, offset 0").isEqualTo(hex("0000 4000"));
        assertThat(packet[8]).as("TTL").isEqualTo((byte) 64);
        assertThat(packet[9]).as("protocol").isEqualTo((byte) 6);
        assertThat(Arrays.copyOfRange(packet, 12, 20)).isEqualTo(hex("0a000001 0a000002"));
        assertThat(ipChecksumVerifies(packet)).isTrue();
        assertThat(tcpChecksumVerifies(packet)).isTrue();
    }

    @Test
    void encodesTheTcpHeaderAsSpecified() {
        TcpSegment segment = new TcpSegment(CLIENT, SERVER, 40000, 139, 0xfffffff0, 0x80000001,
                TcpFlags.PSH | TcpFlags.ACK, 0xfedc, TcpOptions.timestamps(7, 9), Unpooled.wrappedBuffer(HELLO));
        byte[] tcp = Arrays.copyOfRange(encoded(segment), 20, 20 + 32);
        assertThat(tcp).startsWith(hex("9c40 008b fffffff0 80000001 8018 fedc"));
        assertThat(Arrays.copyOfRange(tcp, 18, 32)).as("urgent pointer 0, options")
                .isEqualTo(hex("0000 0101080a 00000007 00000009"));
    }

    @Test
    void encodeAppendsAtTheWriterIndexAndLeavesThePayloadAlone() {
        ByteBuf payload = Unpooled.buffer().writeBytes(new byte[] {9, 9}).writeBytes(HELLO);
        payload.skipBytes(2);
        TcpSegment segment = segment(TcpFlags.ACK, TcpOptions.NONE, payload);
        ByteBuf out = Unpooled.buffer().writeBytes(hex("cafe"));
        try {
            PacketCodec.encode(segment, out);
            assertThat(out.readableBytes()).isEqualTo(2 + PacketCodec.encodedLength(segment));
            assertThat(payload.readerIndex()).isEqualTo(2);
            assertThat(payload.refCnt()).isEqualTo(1);
            out.skipBytes(2);
            assertThat(tcpChecksumVerifies(bytes(out))).isTrue();
        } finally {
            out.release();
            payload.release();
        }
    }

    @Test
    void encodeIntoAllocatorBuffersIsExactlyEncodedLength() {
        TcpSegment segment = segment(TcpFlags.SYN, new TcpOptions(1460, 7, true, true, 1, 0, new int[0]), new byte[0]);
        ByteBuf out = PacketCodec.encode(segment, PooledByteBufAllocator.DEFAULT);
        try {
            assertThat(out.readableBytes()).isEqualTo(PacketCodec.encodedLength(segment)).isEqualTo(60);
        } finally {
            out.release();
        }
    }

    @Test
    void encodeRejectsFieldsThatDoNotFitAndLeaksNothing() {
        assertRejected(new TcpSegment(CLIENT, SERVER, 65536, 139, 0, 0, 0, 0, null, null), "source port 65536");
        assertRejected(new TcpSegment(CLIENT, SERVER, 1, -1, 0, 0, 0, 0, null, null), "destination port -1");
        assertRejected(new TcpSegment(CLIENT, SERVER, 1, 2, 0, 0, 0x100, 0, null, null), "flags 256");
        assertRejected(new TcpSegment(CLIENT, SERVER, 1, 2, 0, 0, 0, 65536, null, null), "window 65536");
        assertRejected(new TcpSegment(CLIENT, SERVER, 1, 2, 0, 0, 0, 0,
                new TcpOptions(-1, 15, false, false, 0, 0, new int[0]), null), "window scale 15");
        ByteBuf huge = Unpooled.buffer(65536).writeZero(65536 - 40);
        try {
            assertRejected(segment(TcpFlags.ACK, TcpOptions.NONE, huge), "65536-byte packet");
        } finally {
            huge.release();
        }
    }

    private static void assertRejected(TcpSegment segment, String message) {
        assertThatThrownBy(() -> PacketCodec.encode(segment, ByteBufAllocator.DEFAULT).release())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
        ByteBuf out = Unpooled.buffer();
        assertThatThrownBy(() -> PacketCodec.encode(segment, out)).isInstanceOf(IllegalArgumentException.class);
        assertThat(out.writerIndex()).as("nothing written").isZero();
        out.release();
    }

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void decodeReturnsARetainedSliceAndLeavesThePacketAsItWas(BufferKind kind) {
        byte[] bytes = encoded(segment(TcpFlags.PSH | TcpFlags.ACK, TcpOptions.timestamps(1, 2), HELLO));
        ByteBuf packet = kind.wrap(bytes);
        int readerIndex = packet.readerIndex();
        DropCounters drops = new DropCounters();
        TcpSegment decoded = PacketCodec.decode(packet, drops);
        try {
            assertThat(decoded).isNotNull();
            assertThat(drops.total()).isZero();
            assertThat(packet.refCnt()).as("the payload slice holds the packet").isEqualTo(2);
            assertThat(packet.readerIndex()).isEqualTo(readerIndex);
            assertThat(bytes(decoded.payload)).isEqualTo(HELLO);
            assertThat(decoded.options).isEqualTo(TcpOptions.timestamps(1, 2));
        } finally {
            decoded.release();
            assertThat(packet.refCnt()).isEqualTo(1);
            packet.release();
        }
    }

    @Test
    void aSegmentWithoutPayloadDoesNotHoldThePacket() {
        ByteBuf packet = Unpooled.wrappedBuffer(encoded(segment(TcpFlags.ACK, TcpOptions.NONE, new byte[0])));
        TcpSegment decoded = PacketCodec.decode(packet, new DropCounters());
        assertThat(decoded.payloadLength()).isZero();
        assertThat(decoded.options).isSameAs(TcpOptions.NONE);
        assertThat(packet.refCnt()).isEqualTo(1);
        decoded.release();
        packet.release();
    }

    @Test
    void trailingBytesAfterTheTotalLengthAreIgnored() {
        byte[] bytes = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, HELLO));
        byte[] padded = Arrays.copyOf(bytes, bytes.length + 6); // e.g. Ethernet padding
        Arrays.fill(padded, bytes.length, padded.length, (byte) 0x77);
        ByteBuf packet = Unpooled.wrappedBuffer(padded);
        TcpSegment decoded = PacketCodec.decode(packet, new DropCounters());
        try {
            assertThat(bytes(decoded.payload)).isEqualTo(HELLO);
        } finally {
            decoded.release();
            packet.release();
        }
    }

    @Test
    void ipv4OptionsAreSkipped() {
        byte[] plain = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, HELLO));
        // IHL 6: a 4-byte IPv4 option (router alert, RFC 2113) between the IP and TCP headers.
        byte[] withOption = new byte[plain.length + 4];
        System.arraycopy(plain, 0, withOption, 0, 20);
        System.arraycopy(hex("94040000"), 0, withOption, 20, 4);
        System.arraycopy(plain, 20, withOption, 24, plain.length - 20);
        withOption[0] = 0x46;
        TcpSegment decoded = decodeOk(fixLengthsAndChecksums(withOption));
        try {
            assertThat(decoded.srcPort).isEqualTo(40000);
            assertThat(bytes(decoded.payload)).isEqualTo(HELLO);
        } finally {
            decoded.release();
        }
    }

    @Test
    void reservedBitsBesideTheDataOffsetAreIgnored() {
        byte[] bytes = encoded(segment(TcpFlags.ACK | TcpFlags.CWR | TcpFlags.ECE, TcpOptions.NONE, HELLO));
        bytes[20 + 12] |= 0x0f; // the 3 reserved bits and the historic NS bit (RFC 3540)
        TcpSegment decoded = decodeOk(fixLengthsAndChecksums(bytes));
        assertThat(decoded.flags).isEqualTo(TcpFlags.ACK | TcpFlags.CWR | TcpFlags.ECE);
        decoded.release();
    }

    @Test
    void shortPacketsAreShortIpHeaders() {
        for (int length = 0; length < 20; length++) {
            assertDropped(new byte[length], DropReason.SHORT_IP_HEADER);
        }
    }

    @Test
    void ipv6IsNotIpv4() {
        byte[] ipv6 = new byte[60];
        ipv6[0] = 0x60;
        assertDropped(ipv6, DropReason.NOT_IPV4);
    }

    @Test
    void ihlBelowFiveOrBeyondThePacketIsABadHeaderLength() {
        byte[] bytes = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, new byte[0]));
        bytes[0] = 0x44;
        assertDropped(bytes, DropReason.BAD_IP_HEADER_LENGTH);
        bytes[0] = 0x4f; // 60 bytes of header in a 40-byte packet
        assertDropped(bytes, DropReason.BAD_IP_HEADER_LENGTH);
    }

    @Test
    void totalLengthBeyondTheBufferOrInsideTheHeaderIsAMismatch() {
        byte[] bytes = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, HELLO));
        assertDropped(withTotalLength(bytes, bytes.length + 1), DropReason.TOTAL_LENGTH_MISMATCH);
        assertDropped(withTotalLength(bytes, 19), DropReason.TOTAL_LENGTH_MISMATCH);
        assertDropped(Arrays.copyOf(bytes, bytes.length - 1), DropReason.TOTAL_LENGTH_MISMATCH);
    }

    @Test
    void aWrongIpHeaderChecksumIsCounted() {
        byte[] bytes = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, HELLO));
        bytes[8]--; // TTL, as a router would change it without fixing the checksum
        assertDropped(bytes, DropReason.BAD_IP_CHECKSUM);
    }

    @Test
    void fragmentsAreDropped() {
        byte[] bytes = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, HELLO));
        bytes[6] = 0x20; // MF, offset 0: a first fragment
        assertDropped(withIpChecksum(bytes), DropReason.FRAGMENT);
        bytes[6] = 0x40;
        bytes[7] = 0x01; // DF and offset 8: a later fragment
        assertDropped(withIpChecksum(bytes), DropReason.FRAGMENT);
    }

    @Test
    void otherProtocolsAreNotTcp() {
        byte[] bytes = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, HELLO));
        bytes[9] = 17;
        assertDropped(withIpChecksum(bytes), DropReason.NOT_TCP);
    }

    @Test
    void lessThanTwentyBytesOfTcpIsAShortHeader() {
        byte[] bytes = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, new byte[0]));
        for (int tcpLength = 0; tcpLength < 20; tcpLength++) {
            assertDropped(fixLengthsAndChecksums(Arrays.copyOf(bytes, 20 + tcpLength)), DropReason.SHORT_TCP_HEADER);
        }
    }

    @Test
    void dataOffsetBelowFiveOrBeyondTheSegmentIsBad() {
        byte[] bytes = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, new byte[0]));
        bytes[32] = 0x40;
        assertDropped(fixLengthsAndChecksums(bytes), DropReason.BAD_DATA_OFFSET);
        bytes[32] = 0x60; // 24 bytes of header in a 20-byte segment
        assertDropped(fixLengthsAndChecksums(bytes), DropReason.BAD_DATA_OFFSET);
    }

    @Test
    void aWrongTcpChecksumIsCounted() {
        byte[] bytes = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, HELLO));
        bytes[bytes.length - 1] ^= 0x01;
        assertDropped(bytes, DropReason.BAD_TCP_CHECKSUM);
    }

    @Test
    void theChecksumCoversThePseudoHeader() {
        // Same TCP bytes, different destination with a valid IP header checksum: only the pseudo-header
        // ties the TCP checksum to the addresses (RFC 9293 §3.1).
        byte[] bytes = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, HELLO));
        bytes[19]++;
        assertDropped(withIpChecksum(bytes), DropReason.BAD_TCP_CHECKSUM);
    }

    @Test
    void malformedOptionsAreDroppedAfterTheChecksumPasses() {
        assertDropped(withRawOptions("0101 0201"), DropReason.OPTION_OVERRUN);
        assertDropped(withRawOptions("0203 0500"), DropReason.BAD_OPTION_LENGTH);
    }

    @Test
    void oneCounterPerDropAndNoneForGoodPackets() {
        DropCounters drops = new DropCounters();
        ByteBuf good = Unpooled.wrappedBuffer(encoded(segment(TcpFlags.ACK, TcpOptions.NONE, new byte[0])));
        ByteBuf bad = Unpooled.wrappedBuffer(new byte[3]);
        PacketCodec.decode(good, drops).release();
        assertThat(PacketCodec.decode(bad, drops)).isNull();
        assertThat(PacketCodec.decode(bad, drops)).isNull();
        assertThat(drops.get(DropReason.SHORT_IP_HEADER)).isEqualTo(2);
        assertThat(drops.total()).isEqualTo(2);
        good.release();
        bad.release();
    }

    /** A pure ACK whose option bytes are {@code options} (padded with EOL), checksums made valid. */
    private static byte[] withRawOptions(String options) {
        byte[] raw = hex(options);
        int optionsLength = (raw.length + 3) & ~3;
        byte[] plain = encoded(segment(TcpFlags.ACK, TcpOptions.NONE, new byte[0]));
        byte[] bytes = Arrays.copyOf(plain, plain.length + optionsLength);
        System.arraycopy(raw, 0, bytes, 40, raw.length);
        bytes[32] = (byte) ((20 + optionsLength) / 4 << 4);
        return fixLengthsAndChecksums(bytes);
    }

    private static byte[] withTotalLength(byte[] original, int totalLength) {
        byte[] bytes = original.clone();
        putShort(bytes, 2, totalLength);
        return withIpChecksum(bytes);
    }

    private static byte[] withIpChecksum(byte[] bytes) {
        putShort(bytes, 10, 0);
        putShort(bytes, 10, ~onesComplementSum(Arrays.copyOf(bytes, 20)));
        return bytes;
    }

    private static void assertDropped(byte[] bytes, DropReason reason) {
        for (BufferKind kind : BufferKind.values()) {
            ByteBuf packet = kind.wrap(bytes);
            int readerIndex = packet.readerIndex();
            DropCounters drops = new DropCounters();
            try {
                assertThat(PacketCodec.decode(packet, drops)).as("%s in %s", reason, kind).isNull();
                assertThat(drops.get(reason)).as("%s in %s", reason, kind).isEqualTo(1);
                assertThat(drops.total()).isEqualTo(1);
                assertThat(packet.refCnt()).as("nothing retained on drop").isEqualTo(1);
                assertThat(packet.readerIndex()).isEqualTo(readerIndex);
            } finally {
                packet.release();
            }
        }
    }

    private static TcpSegment decodeOk(byte[] bytes) {
        ByteBuf packet = Unpooled.wrappedBuffer(bytes);
        DropCounters drops = new DropCounters();
        TcpSegment decoded = PacketCodec.decode(packet, drops);
        packet.release(); // the payload slice keeps the bytes alive
        assertThat(WireTestSupport.counted(drops)).isEmpty();
        assertThat(decoded).isNotNull();
        return decoded;
    }

    private static TcpSegment segment(int flags, TcpOptions options, byte[] payload) {
        return segment(flags, options, Unpooled.wrappedBuffer(payload));
    }

    private static TcpSegment segment(int flags, TcpOptions options, ByteBuf payload) {
        return new TcpSegment(CLIENT, SERVER, 40000, 139, 1000, 2000, flags, 65535, options, payload);
    }

    static byte[] encoded(TcpSegment segment) {
        ByteBuf out = Unpooled.buffer(PacketCodec.encodedLength(segment));
        try {
            PacketCodec.encode(segment, out);
            return bytes(out);
        } finally {
            out.release();
        }
    }
}
