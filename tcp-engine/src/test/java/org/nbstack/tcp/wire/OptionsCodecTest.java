package org.nbstack.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.nbstack.tcp.wire.WireTestSupport.hex;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Option bytes on the wire: Linux's order and NOP packing when writing, RFC rules when reading. */
class OptionsCodecTest {
    private static final int TS_VAL = 0xe2edabd8;
    private static final int TS_ECR = 0x000003e8;
    private static final int[] NO_SACK = {};

    @Test
    void synOptionsFollowLinuxMssSackOkTimestampsNopWscale() {
        TcpOptions syn = new TcpOptions(1460, 10, true, true, TS_VAL, 0, NO_SACK);
        assertThat(written(syn)).isEqualTo("020405b4" + "0402080a" + "e2edabd8" + "00000000" + "0103030a");
    }

    @Test
    void synWithoutTimestampsPacksSackOkBehindTwoNops() {
        TcpOptions syn = new TcpOptions(1460, 7, true, false, 0, 0, NO_SACK);
        assertThat(written(syn)).isEqualTo("020405b4" + "01010402" + "01030307");
    }

    @Test
    void dataSegmentsCarryNopNopTimestamps() {
        assertThat(written(TcpOptions.timestamps(TS_VAL, TS_ECR))).isEqualTo("0101080a" + "e2edabd8" + "000003e8");
    }

    @Test
    void sackFollowsTimestampsBehindTwoNops() {
        TcpOptions ack = TcpOptions.timestamps(TS_VAL, TS_ECR).withSack(new int[] {0x9d2c0066, 0x9d2c0098});
        assertThat(written(ack)).isEqualTo("0101080a" + "e2edabd8" + "000003e8" + "0101050a" + "9d2c0066" + "9d2c0098");
    }

    @Test
    void sackWithoutTimestampsHoldsFourBlocks() {
        TcpOptions ack = TcpOptions.NONE.withSack(new int[] {1, 2, 3, 4, 5, 6, -2, -1});
        assertThat(written(ack)).isEqualTo("01010522" + "00000001" + "00000002" + "00000003" + "00000004"
                + "00000005" + "00000006" + "fffffffe" + "ffffffff");
        assertThat(OptionsCodec.encodedLength(ack)).isEqualTo(36);
    }

    @Test
    void noOptionsWriteNothing() {
        assertThat(written(TcpOptions.NONE)).isEmpty();
        assertThat(OptionsCodec.encodedLength(TcpOptions.NONE)).isZero();
        assertThat(OptionsCodec.encodedLength(new TcpOptions(-1, -1, false, false, 0, 0, NO_SACK))).isZero();
    }

    @Test
    void sackBlocksThatFitMatchLinuxLimits() {
        assertThat(OptionsCodec.sackBlocksThatFit(TcpOptions.NONE)).isEqualTo(4);
        assertThat(OptionsCodec.sackBlocksThatFit(TcpOptions.timestamps(1, 2))).isEqualTo(3);
        assertThat(OptionsCodec.sackBlocksThatFit(TcpOptions.timestamps(1, 2).withSack(new int[] {1, 2})))
                .as("own SACK blocks do not count").isEqualTo(3);
        assertThat(OptionsCodec.sackBlocksThatFit(new TcpOptions(1460, 7, true, true, 1, 0, NO_SACK))).isEqualTo(2);
    }

    @Test
    void validateRejectsWhatCannotBeSent() {
        assertThatThrownBy(() -> OptionsCodec.validate(new TcpOptions(-1, 15, false, false, 0, 0, NO_SACK)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("window scale 15");
        assertThatThrownBy(() -> OptionsCodec.validate(new TcpOptions(65536, -1, false, false, 0, 0, NO_SACK)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("MSS 65536");
        TcpOptions tooMany = TcpOptions.timestamps(1, 2).withSack(new int[] {1, 2, 3, 4, 5, 6, 7, 8});
        assertThatThrownBy(() -> OptionsCodec.validate(tooMany))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("48 bytes")
                .hasMessageContaining("at most 3 SACK blocks");
        assertThat(OptionsCodec.validate(new TcpOptions(65535, 14, true, true, 1, 2, NO_SACK))).isEqualTo(20);
    }

    @Test
    void theCommonTimestampBlockIsRead() {
        Read read = read("0101080a e2edabd8 000003e8");
        assertThat(read.options).isEqualTo(TcpOptions.timestamps(TS_VAL, TS_ECR));
        assertThat(read.drops.total()).isZero();
    }

    @Test
    void everyKnownOptionIsRead() {
        Read read = read("020405b4 0402080a e2edabd8 00000000 0103030a");
        assertThat(read.options).isEqualTo(new TcpOptions(1460, 10, true, true, TS_VAL, 0, NO_SACK));
        Read sack = read("0101050a 9d2c0066 9d2c0098");
        assertThat(sack.options.sackBlockCount()).isEqualTo(1);
        assertThat(sack.options.sackLeft(0)).isEqualTo(0x9d2c0066);
        assertThat(sack.options.sackRight(0)).isEqualTo(0x9d2c0098);
    }

    @Test
    void nothingKnownGivesTheSharedNoneInstance() {
        assertThat(read("").options).isSameAs(TcpOptions.NONE);
        assertThat(read("01010101").options).isSameAs(TcpOptions.NONE);
        assertThat(read("1e06aabbccdd 0000").options).as("unknown option, then EOL").isSameAs(TcpOptions.NONE);
    }

    @Test
    void unknownOptionsAreSkippedByTheirLength() {
        // kind 30 (MPTCP) length 6, kind 254 (experimental) length 4, then MSS
        Read read = read("1e06aabbccdd fe04ffff 020405b4");
        assertThat(read.options.mss).isEqualTo(1460);
        assertThat(read.drops.total()).isZero();
    }

    @Test
    void endOfOptionListStopsParsingEvenBeforeGarbage() {
        Read read = read("020405b4 00 ff0102");
        assertThat(read.options.mss).isEqualTo(1460);
        assertThat(read.drops.total()).isZero();
    }

    @ParameterizedTest(name = "wscale {0} reads as {1}")
    @CsvSource({"0,0", "14,14", "15,14", "255,14"})
    void windowScaleAbove14IsClampedAndNotCounted(int onWire, int expected) {
        Read read = read("010303" + String.format("%02x", onWire));
        assertThat(read.options.windowScale).isEqualTo(expected);
        assertThat(read.drops.total()).isZero();
    }

    @Test
    void laterOptionsOfAKindWin() {
        Read read = read("02040001 02040002");
        assertThat(read.options.mss).isEqualTo(2);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "kind without length byte,    0101 0102",
            "length 0,                    0200",
            "length 1,                    0201",
            "unknown option length 1,     1e01",
            "length past the end,         0101 1e08aabbccdd",
            "MSS cut short,               020405",
            "SACK past the end,           0101050a 00000001"})
    void optionsRunningPastTheHeaderAreOverruns(String why, String bytes) {
        Read read = read(bytes);
        assertThat(read.options).isNull();
        assertThat(read.drops.get(DropReason.OPTION_OVERRUN)).isEqualTo(1);
        assertThat(read.drops.total()).isEqualTo(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "MSS length 3,                    020305 00",
            "MSS length 5,                    020505b4ff 000000",
            "window scale length 4,           03040700",
            "SACK-permitted length 3,         040300 00",
            "timestamps length 8,             0808aabbccddeeff",
            "SACK with no block,              0101 0502",
            "SACK with half a block,          0101 0506 aabbccdd",
            "SACK length not 2+8n,            0101 050b 0000000100000002ff 00"})
    void knownOptionsWithTheWrongLengthAreCounted(String why, String bytes) {
        Read read = read(bytes);
        assertThat(read.options).isNull();
        assertThat(read.drops.get(DropReason.BAD_OPTION_LENGTH)).isEqualTo(1);
        assertThat(read.drops.total()).isEqualTo(1);
    }

    private record Read(TcpOptions options, DropCounters drops) {
    }

    private static Read read(String hexBytes) {
        byte[] bytes = hex(hexBytes);
        ByteBuf buf = Unpooled.buffer(bytes.length + 4).writeZero(2).writeBytes(bytes);
        DropCounters drops = new DropCounters();
        TcpOptions options = OptionsCodec.read(buf, 2, 2 + bytes.length, drops);
        return new Read(options, drops);
    }

    private static String written(TcpOptions options) {
        ByteBuf out = Unpooled.buffer();
        try {
            OptionsCodec.write(options, out);
            assertThat(out.readableBytes()).isEqualTo(OptionsCodec.encodedLength(options)).matches(n -> n % 4 == 0);
            return WireTestSupport.hex(out);
        } finally {
            out.release();
        }
    }
}
