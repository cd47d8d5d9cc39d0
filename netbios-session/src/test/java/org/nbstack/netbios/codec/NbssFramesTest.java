package org.nbstack.netbios.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nbstack.netbios.codec.Packets.bytes;
import static org.nbstack.netbios.codec.Packets.decodeAndRelease;
import static org.nbstack.netbios.codec.Packets.wire;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.net.Inet4Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nbstack.netbios.codec.NbssProtocolException.Reason;
import org.nbstack.netbios.name.NetbiosName;

class NbssFramesTest {

    private static final int MAX = NbssFrames.MAX_LENGTH;

    @Test
    void sessionRequestRoundTripsWithTheRfcEncodingOfItsNames() {
        SessionRequest request = new SessionRequest(NetbiosName.server("SERVER"), NetbiosName.of("CLIENT", 0x00));
        ByteBuf wire = wire(request);
        // RFC 1001 §14.1: 'S' = 0x53 -> "FD", ' ' = 0x20 -> "CA", suffix 0x20 -> "CA"
        assertThat(wire.toString(4 + 1, 32, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("FDEFFCFGEFFCCACACACACACACACACACA");
        assertThat(wire.getUnsignedShort(2)).isEqualTo(68);
        assertThat(decodeAndRelease(wire, MAX)).isEqualTo(request);
    }

    @Test
    void namesWithScopeRoundTrip() {
        SessionRequest request = new SessionRequest(NetbiosName.of("FILES", 0x20, "corp.example"),
                NetbiosName.of("PC-7", 0x00, "a"));
        ByteBuf wire = wire(request);
        assertThat(wire.getUnsignedShort(2)).isEqualTo(47 + 36); // 1+32+(1+4)+(1+7)+1 and 1+32+(1+1)+1
        assertThat(decodeAndRelease(wire, MAX)).isEqualTo(request);
    }

    @Test
    void controlPacketsRoundTrip() throws Exception {
        Inet4Address address = (Inet4Address) InetAddress.getByName("192.0.2.7");
        for (NbssPacket packet : new NbssPacket[] {PositiveResponse.INSTANCE, KeepAlive.INSTANCE,
                new RetargetResponse(address, 1139)}) {
            assertThat(decodeAndRelease(wire(packet), MAX)).isEqualTo(packet);
        }
    }

    @ParameterizedTest
    @EnumSource(NegativeCode.class)
    void everyNegativeCodeRoundTrips(NegativeCode code) {
        ByteBuf wire = wire(new NegativeResponse(code));
        assertThat((int) wire.getUnsignedByte(4)).isEqualTo(code.code());
        assertThat(decodeAndRelease(wire, MAX)).isEqualTo(new NegativeResponse(code));
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 65_535, 65_536, 131_071})
    void sessionMessageLengthsUpToSeventeenBitsUseTheEBit(int length) {
        ByteBuf wire = Unpooled.buffer(4 + length);
        NbssFrames.writeHeader(PacketType.SESSION_MESSAGE, length, wire);
        wire.writeZero(length);
        assertThat((int) wire.getUnsignedByte(1)).isEqualTo(length > 65_535 ? 1 : 0);
        NbssPacket packet = decodeAndRelease(wire, MAX);
        try {
            assertThat(((SessionMessage) packet).content().readableBytes()).isEqualTo(length);
        } finally {
            ((SessionMessage) packet).release();
        }
    }

    @Test
    void aLengthOf131072CannotBeFramed() {
        assertThatThrownBy(() -> NbssFrames.writeHeader(PacketType.SESSION_MESSAGE, 131_072, Unpooled.buffer()))
                .isInstanceOf(NbssProtocolException.class)
                .satisfies(e -> assertThat(((NbssProtocolException) e).reason()).isEqualTo(Reason.MESSAGE_TOO_LARGE));
    }

    @Test
    void aMessageOverTheConfiguredLimitIsRefusedFromItsHeaderAlone() {
        ByteBuf header = bytes(0x00, 0x01, 0x00, 0x00); // 65,536 octets announced, none present
        assertThatThrownBy(() -> decodeAndRelease(header, 65_535)).isInstanceOf(NbssProtocolException.class)
                .hasMessageContaining("65536 octets exceeds the limit of 65535");
    }

    @ParameterizedTest
    @ValueSource(ints = {0x02, 0x04, 0x80, 0xFE, 0xFF})
    void reservedFlagBitsAreRefused(int flags) {
        assertThatThrownBy(() -> decodeAndRelease(bytes(0x85, flags, 0, 0), MAX))
                .isInstanceOf(NbssProtocolException.class)
                .satisfies(e -> assertThat(((NbssProtocolException) e).reason()).isEqualTo(Reason.RESERVED_FLAGS_SET));
    }

    @Test
    void unknownTypesAndBadLengthsAreRefused() {
        assertReason(bytes(0x86, 0, 0, 0), Reason.UNKNOWN_PACKET_TYPE);
        assertReason(bytes(0x85, 0, 0, 1, 0), Reason.BAD_LENGTH);
        assertReason(bytes(0x82, 0, 0, 1, 0), Reason.BAD_LENGTH);
        assertReason(bytes(0x83, 0, 0, 2, 0x80, 0), Reason.BAD_LENGTH);
        assertReason(bytes(0x84, 0, 0, 4, 1, 2, 3, 4), Reason.BAD_LENGTH);
        assertReason(bytes(0x81, 0, 0, 10), Reason.BAD_LENGTH);
        assertReason(bytes(0x83, 0, 0, 1, 0x84), Reason.UNKNOWN_ERROR_CODE);
    }

    @Test
    void truncatedFramesWaitForMoreInputAndConsumeNothing() {
        ByteBuf whole = wire(new SessionRequest(NetbiosName.server("SERVER"), NetbiosName.of("CLIENT", 0)));
        try {
            for (int cut = 0; cut < whole.readableBytes(); cut++) {
                ByteBuf prefix = whole.retainedSlice(0, cut);
                try {
                    assertThat(NbssFrames.decode(prefix, MAX)).as("prefix of %d octets", cut).isNull();
                    assertThat(prefix.readerIndex()).isZero();
                } finally {
                    prefix.release();
                }
            }
        } finally {
            whole.release();
        }
    }

    @Test
    void malformedNamesAreRefusedWithTheirReason() {
        ByteBuf good = wire(new SessionRequest(NetbiosName.server("SERVER"), NetbiosName.of("CLIENT", 0)));
        try {
            assertReason(patched(good, 5, 'Q'), Reason.BAD_NAME_ENCODING);   // outside A..P
            assertReason(patched(good, 4, 31), Reason.BAD_NAME_ENCODING);    // first label not 32
            assertReason(patched(good, 4, 0xC0), Reason.COMPRESSION_POINTER);
            assertReason(patched(good, 4, 0x40), Reason.LABEL_TOO_LONG);
            assertReason(patched(good, good.writerIndex() - 1, 5), Reason.BAD_LENGTH); // a scope label runs past the packet
        } finally {
            good.release();
        }
    }

    @Test
    void anEncodedNameLongerThan255OctetsIsRefused() {
        ByteBuf request = Unpooled.buffer();
        int nameLength = 34 + 4 * 64;                               // four 63-octet labels: 290 octets
        NbssFrames.writeHeader(PacketType.SESSION_REQUEST, nameLength + 34, request);
        request.writeByte(32);
        for (int i = 0; i < 32; i++) {
            request.writeByte('A');
        }
        for (int label = 0; label < 4; label++) {
            request.writeByte(63);
            request.writeBytes("x".repeat(63).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        request.writeByte(0);
        NameCodec.encode(NetbiosName.of("CLIENT", 0), request);
        assertReason(request, Reason.NAME_TOO_LONG);
    }

    @Test
    void namesValidateTheirOwnRules() {
        assertThatThrownBy(() -> NetbiosName.server("SIXTEEN-CHARS-XX")).hasMessageContaining("longer than 15");
        assertThatThrownBy(() -> NetbiosName.of("A", 256)).hasMessageContaining("0..255");
        assertThatThrownBy(() -> NetbiosName.of("A", 0, "x".repeat(64))).hasMessageContaining("longer than 63");
        assertThatThrownBy(() -> NetbiosName.of("A", 0, "a..b")).hasMessageContaining("empty label");
        String scope = String.join(".", "x".repeat(63), "x".repeat(63), "x".repeat(63), "x".repeat(30));
        assertThatThrownBy(() -> NetbiosName.of("A", 0, scope)).hasMessageContaining("longer than 255");
        assertThat(NetbiosName.of("A", 0, scope.substring(0, scope.length() - 10)).encodedLength()).isLessThanOrEqualTo(255);
        assertThat(NetbiosName.server("server ").sameAs(NetbiosName.server("SERVER"))).isTrue();
        assertThat(NetbiosName.SMBSERVER).hasToString("*SMBSERVER<20>");
    }

    private static ByteBuf patched(ByteBuf original, int index, int value) {
        ByteBuf copy = original.copy();
        copy.setByte(index, value);
        return copy;
    }

    private static void assertReason(ByteBuf input, Reason reason) {
        assertThatThrownBy(() -> decodeAndRelease(input, MAX))
                .isInstanceOf(NbssProtocolException.class)
                .satisfies(e -> assertThat(((NbssProtocolException) e).reason()).isEqualTo(reason));
    }
}
