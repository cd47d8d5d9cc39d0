package org.nbstack.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.wire.WireTestSupport.hex;
import static org.nbstack.tcp.wire.WireTestSupport.onesComplementSum;

import io.netty.buffer.ByteBuf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.wire.WireTestSupport.BufferKind;

/** Known-answer vectors for the Internet checksum, independent of the codec. */
class ChecksumTest {
    /** RFC 1071 §3 numerical example: the one's-complement sum of these bytes is ddf2, so the checksum is 220d. */
    private static final byte[] RFC1071_EXAMPLE = hex("00 01 f2 03 f4 f5 f6 f7");

    @ParameterizedTest
    @EnumSource(BufferKind.class)
    void rfc1071ExampleSumsToDdf2InEveryBufferKind(BufferKind kind) {
        ByteBuf buf = kind.wrap(RFC1071_EXAMPLE);
        try {
            assertThat(Checksum.fold(Checksum.add(0, buf, buf.readerIndex(), 8))).isEqualTo(0xddf2);
            assertThat(Checksum.of(buf, buf.readerIndex(), 8)).isEqualTo(0x220d);
        } finally {
            buf.release();
        }
    }

    @Test
    void rfc1071ExampleAgreesWithTheReferenceSum() {
        assertThat(onesComplementSum(RFC1071_EXAMPLE)).isEqualTo(0xddf2);
        assertThat(Checksum.fold(Checksum.add(0, RFC1071_EXAMPLE, 0, 8))).isEqualTo(0xddf2);
    }

    @Test
    void anOddLastByteIsPaddedWithZeroOnTheRight() {
        // 0x0102 + 0x0300 = 0x0402 (RFC 1071 §1: an odd byte is the high half of a final word)
        byte[] odd = {1, 2, 3};
        assertThat(Checksum.fold(Checksum.add(0, odd, 0, 3))).isEqualTo(0x0402);
    }

    @Test
    void carriesWrapAroundAndAllOnesIsTheFoldOfManyOnes() {
        byte[] ones = new byte[1000];
        java.util.Arrays.fill(ones, (byte) 0xff);
        assertThat(Checksum.fold(Checksum.add(0, ones, 0, ones.length))).isEqualTo(0xffff);
        byte[] carries = hex("ffff 0001");
        assertThat(Checksum.fold(Checksum.add(0, carries, 0, 4))).isEqualTo(0x0001);
    }

    @Test
    void emptyDataSumsToZero() {
        assertThat(Checksum.fold(Checksum.add(0, new byte[0], 0, 0))).isZero();
        assertThat(Checksum.finish(0)).isEqualTo(0xffff);
    }

    @Test
    void pseudoHeaderIsTheSumOfAddressesProtocolAndLength() {
        // 127.0.0.1 twice, protocol 6, TCP length 40: 7f00+0001+7f00+0001+0006+0028 = fe30, the value Linux
        // leaves in the checksum field of an offloaded loopback SYN (see LinuxCaptureTest).
        int loopback = Ipv4.parse("127.0.0.1");
        assertThat(Checksum.fold(Checksum.pseudoHeader(loopback, loopback, 40))).isEqualTo(0xfe30);
    }
}
