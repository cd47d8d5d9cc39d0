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

    @Property(tries = 300)
    void dataWithItsChecksumAppendedVerifies(@ForAll @Size(max = 1500) byte[] data) {
        byte[] even = java.util.Arrays.copyOf(data, data.length + (data.length & 1) + 2);
        int checksum = Checksum.finish(Checksum.add(0, even, 0, even.length - 2));
        WireTestSupport.putShort(even, even.length - 2, checksum);
        assertThat(Checksum.verifies(Checksum.add(0, even, 0, even.length))).isTrue();
    }
}
