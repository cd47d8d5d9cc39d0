package org.nbstack.tcp.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.nbstack.tcp.wire.WireTestSupport.onesComplementSum;

import io.netty.buffer.ByteBuf;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.nbstack.tcp.wire.WireTestSupport.BufferKind;

/** The optimised checksum equals the plain RFC 1071 definition for any bytes, in any buffer shape. */
class ChecksumPropertiesTest {

    @Property(tries = 500)
    void equalsTheReferenceSumForAnyBytesAndBufferKind(@ForAll @Size(max = 3000) byte[] data,
            @ForAll BufferKind kind) {
        ByteBuf buf = kind.wrap(data);
        try {
            long accumulator = Checksum.add(0, buf, buf.readerIndex(), data.length);
            assertThat(Checksum.fold(accumulator)).isEqualTo(onesComplementSum(data));
            assertThat(Checksum.fold(Checksum.add(0, data, 0, data.length))).isEqualTo(onesComplementSum(data));
            assertThat(buf.readerIndex()).as("indexes untouched").isEqualTo(kind == BufferKind.OFFSET ? 5 : 0);
        } finally {
            buf.release();
        }
    }

    @Property(tries = 300)
    void rangesStartingAtEvenOffsetsAddUpToTheWhole(@ForAll @Size(min = 2, max = 2000) byte[] data,
            @ForAll @IntRange(max = 1000) int halfSplit, @ForAll BufferKind kind) {
        int split = Math.min(2 * halfSplit, data.length);
        ByteBuf buf = kind.wrap(data);
        try {
            int base = buf.readerIndex();
            long parts = Checksum.add(Checksum.add(0, buf, base, split), buf, base + split, data.length - split);
            assertThat(Checksum.fold(parts)).isEqualTo(onesComplementSum(data));
        } finally {
            buf.release();
        }
    }

    @Property(tries = 500)
    void equalsTheReferenceSumFromAnyStartAddress(@ForAll @Size(max = 3000) byte[] data,
            @ForAll @IntRange(max = 15) int junkBefore, @ForAll BufferKind kind) {
        byte[] withJunk = new byte[junkBefore + data.length];
        java.util.Arrays.fill(withJunk, 0, junkBefore, (byte) 0xa5);
        System.arraycopy(data, 0, withJunk, junkBefore, data.length);
        ByteBuf buf = kind.wrap(withJunk);
        try {
            long accumulator = Checksum.add(0, buf, buf.readerIndex() + junkBefore, data.length);
            assertThat(Checksum.fold(accumulator)).isEqualTo(onesComplementSum(data));
        } finally {
            buf.release();
        }
    }

    @Property(tries = 500)
    void copyAndAddCopiesTheBytesAndSumsThem(@ForAll @Size(max = 3000) byte[] data,
            @ForAll @IntRange(max = 15) int srcJunk, @ForAll @IntRange(max = 15) int dstJunk,
            @ForAll BufferKind from, @ForAll BufferKind to, @ForAll @IntRange(max = 0xffff) int startSum) {
        byte[] source = new byte[srcJunk + data.length];
        System.arraycopy(data, 0, source, srcJunk, data.length);
        ByteBuf src = from.wrap(source);
        ByteBuf dst = to.wrap(new byte[dstJunk + data.length + 9]);
        try {
            int at = dst.readerIndex() + dstJunk;
            long sum = Checksum.copyAndAdd(startSum, src, src.readerIndex() + srcJunk, dst, at, data.length);
            assertThat(WireTestSupport.bytes(dst.slice(at, data.length))).isEqualTo(data);
            assertThat(Checksum.fold(sum)).isEqualTo(Checksum.fold(startSum + onesComplementSum(data)));
            assertThat(dst.getByte(at + data.length)).as("nothing written past the range").isZero();
        } finally {
            src.release();
            dst.release();
        }
    }

    @Property(tries = 300)
    void dataWithItsChecksumAppendedVerifies(@ForAll @Size(max = 1500) byte[] data) {
        byte[] even = java.util.Arrays.copyOf(data, data.length + (data.length & 1) + 2);
        int checksum = Checksum.finish(Checksum.add(0, even, 0, even.length - 2));
        WireTestSupport.putShort(even, even.length - 2, checksum);
        assertThat(Checksum.verifies(Checksum.add(0, even, 0, even.length))).isTrue();
    }
}
