package org.nbstack.tcp.wire;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's-complement of the one's-complement sum of the
 * data taken as big-endian 16-bit words, an odd last byte padded with zero.
 *
 * <p>Partial sums are carried in a {@code long} accumulator and folded to 16 bits only at the end;
 * the one's-complement sum is independent of how the words are grouped (RFC 1071 §2(B)), so adding
 * 32-bit halves of 64-bit reads gives the same result as adding 16-bit words one by one. It is also
 * independent of byte order as long as the sum is swapped once at the end (RFC 1071 §2(B)): heap and
 * direct buffers are read as native-order 64-bit words (arrays through a VarHandle view, direct memory
 * through a {@link MemorySegment} at its address: no NIO view), into four independent accumulators.
 */
public final class Checksum {
    private static final ValueLayout.OfLong LONG_NATIVE = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final VarHandle LONG_NATIVE_ARRAY =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.nativeOrder());
    private static final ValueLayout.OfInt INT_BE = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    private static final ValueLayout.OfShort SHORT_BE =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);
    /** Octets {@link #copyAndAdd} copies before it sums them: well inside a first-level data cache, and even. */
    private static final int COPY_BLOCK = 4096;
    private static final boolean NATIVE_IS_BIG_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.BIG_ENDIAN;

    private Checksum() {
    }

    /**
     * Adds {@code length} bytes of {@code buf} from absolute {@code index} to {@code accumulator} and
     * returns the new accumulator. The range must start at an even offset of the checksummed data (an
     * odd length is fine only for the last range). Heap and direct buffers are read through their memory;
     * composite ones through index accessors; indexes are not changed.
     */
    public static long add(long accumulator, ByteBuf buf, int index, int length) {
        if (buf.hasArray()) {
            checkRange(buf, index, length);
            return addArray(accumulator, buf.array(), buf.arrayOffset() + index, length);
        }
        MemorySegment memory = nativeSegment(buf, index, length);
        if (memory != null) {
            return add(accumulator, memory);
        }
        // Two accumulators over 16 bytes a step: independent add chains run in parallel.
        long even = accumulator;
        long odd = 0;
        int i = index;
        int end = index + length;
        for (; end - i >= 16; i += 16) {
            long first = buf.getLong(i);
            long second = buf.getLong(i + 8);
            even += (first >>> 32) + (first & 0xffffffffL);
            odd += (second >>> 32) + (second & 0xffffffffL);
        }
        long sum = even + odd;
        if (end - i >= 8) {
            long word = buf.getLong(i);
            sum += (word >>> 32) + (word & 0xffffffffL);
            i += 8;
        }
        return addTail(sum, buf, i, end - i);
    }

    /**
     * The bytes {@code index .. index + length} of a direct {@code buf} as a native segment, or null when it has no
     * memory address (a composite buffer). It is reached through its address, without the NIO view whose every
     * accessor checks bounds and byte order, and whose leak-aware wrappers record a trace. Heap arrays take their own
     * path: one loop over both kinds of segment is several times slower for both (the JIT cannot specialise it).
     */
    private static MemorySegment nativeSegment(ByteBuf buf, int index, int length) {
        if (!buf.hasMemoryAddress()) {
            return null;
        }
        checkRange(buf, index, length);
        return MemorySegment.ofAddress(buf.memoryAddress() + index).reinterpret(length);
    }

    /** Bounds of the buffer, not of its memory: a pooled buffer's array or address range is shared with others. */
    private static void checkRange(ByteBuf buf, int index, int length) {
        if (index < 0 || length < 0 || index > buf.capacity() - length) {
            throw new IndexOutOfBoundsException("index " + index + ", length " + length + " outside 0.." + buf.capacity());
        }
    }

    /** As {@link #add(long, ByteBuf, int, int)} over a whole native segment. */
    private static long add(long accumulator, MemorySegment memory) {
        long length = memory.byteSize();
        long a0 = 0;
        long a1 = 0;
        long a2 = 0;
        long a3 = 0;
        long i = 0;
        for (; length - i >= 32; i += 32) {
            long w0 = memory.get(LONG_NATIVE, i);
            long w1 = memory.get(LONG_NATIVE, i + 8);
            long w2 = memory.get(LONG_NATIVE, i + 16);
            long w3 = memory.get(LONG_NATIVE, i + 24);
            a0 += (w0 >>> 32) + (w0 & 0xffffffffL);
            a1 += (w1 >>> 32) + (w1 & 0xffffffffL);
            a2 += (w2 >>> 32) + (w2 & 0xffffffffL);
            a3 += (w3 >>> 32) + (w3 & 0xffffffffL);
        }
        for (; length - i >= 8; i += 8) {
            long w = memory.get(LONG_NATIVE, i);
            a0 += (w >>> 32) + (w & 0xffffffffL);
        }
        return addTail(accumulator + bigEndian(a0 + a1 + a2 + a3), memory, i);
    }

    /**
     * Copies {@code length} bytes of {@code src} from {@code srcIndex} to {@code dst} at {@code dstIndex} and adds
     * them to {@code accumulator}, in one pass over memory: a block at a time is copied (the JIT's vectorised copy)
     * and summed while it is still in the first-level cache. A loop that stored and summed each 64-bit word measured
     * slower than this, as the copy loses its vector width. The same rules as {@link #add(long, ByteBuf, int, int)};
     * indexes of both buffers are not changed.
     */
    public static long copyAndAdd(long accumulator, ByteBuf src, int srcIndex, ByteBuf dst, int dstIndex, int length) {
        long sum = accumulator;
        for (int done = 0; done < length; done += COPY_BLOCK) {
            int block = Math.min(COPY_BLOCK, length - done);
            dst.setBytes(dstIndex + done, src, srcIndex + done, block);
            sum = add(sum, dst, dstIndex + done, block);
        }
        return sum;
    }

    /**
     * A sum of native-order words as the sum of the same data in network order: on a little-endian machine each
     * 16-bit word was read byte-swapped, and the one's-complement sum of swapped words is the swapped sum
     * (RFC 1071 §2(B)), so fold and swap once.
     */
    private static long bigEndian(long nativeSum) {
        if (NATIVE_IS_BIG_ENDIAN) {
            return nativeSum;
        }
        int folded = fold(nativeSum);
        return (folded & 0xff) << 8 | folded >>> 8;
    }

    /** Adds the last 0-7 bytes of {@code memory}, from {@code i}, as big-endian words. */
    private static long addTail(long accumulator, MemorySegment memory, long i) {
        long sum = accumulator;
        long remaining = memory.byteSize() - i;
        if (remaining >= 4) {
            sum += memory.get(INT_BE, i) & 0xffffffffL;
            i += 4;
            remaining -= 4;
        }
        if (remaining >= 2) {
            sum += memory.get(SHORT_BE, i) & 0xffff;
            i += 2;
            remaining -= 2;
        }
        if (remaining == 1) {
            sum += (memory.get(ValueLayout.JAVA_BYTE, i) & 0xff) << 8;
        }
        return sum;
    }

    /** As {@link #add(long, ByteBuf, int, int)} over a byte array. */
    public static long add(long accumulator, byte[] bytes, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
        return addArray(accumulator, bytes, offset, length);
    }

    /** The array twin of {@link #add(long, MemorySegment)}. */
    private static long addArray(long accumulator, byte[] bytes, int offset, int length) {
        long a0 = 0;
        long a1 = 0;
        long a2 = 0;
        long a3 = 0;
        int i = offset;
        int end = offset + length;
        for (; end - i >= 32; i += 32) {
            long w0 = (long) LONG_NATIVE_ARRAY.get(bytes, i);
            long w1 = (long) LONG_NATIVE_ARRAY.get(bytes, i + 8);
            long w2 = (long) LONG_NATIVE_ARRAY.get(bytes, i + 16);
            long w3 = (long) LONG_NATIVE_ARRAY.get(bytes, i + 24);
            a0 += (w0 >>> 32) + (w0 & 0xffffffffL);
            a1 += (w1 >>> 32) + (w1 & 0xffffffffL);
            a2 += (w2 >>> 32) + (w2 & 0xffffffffL);
            a3 += (w3 >>> 32) + (w3 & 0xffffffffL);
        }
        for (; end - i >= 8; i += 8) {
            long w = (long) LONG_NATIVE_ARRAY.get(bytes, i);
            a0 += (w >>> 32) + (w & 0xffffffffL);
        }
        return addArrayTail(accumulator + bigEndian(a0 + a1 + a2 + a3), bytes, i, end);
    }

    /** Adds the big-endian words of {@code bytes[i .. end)}, fewer than 8 octets. */
    private static long addArrayTail(long accumulator, byte[] bytes, int i, int end) {
        long sum = accumulator;
        for (; end - i >= 2; i += 2) {
            sum += (bytes[i] & 0xff) << 8 | bytes[i + 1] & 0xff;
        }
        if (i < end) {
            sum += (bytes[i] & 0xff) << 8;
        }
        return sum;
    }

    private static long addTail(long accumulator, ByteBuf buf, int index, int remaining) {
        long sum = accumulator;
        int i = index;
        if (remaining >= 4) {
            sum += buf.getUnsignedInt(i);
            i += 4;
            remaining -= 4;
        }
        if (remaining >= 2) {
            sum += buf.getUnsignedShort(i);
            i += 2;
            remaining -= 2;
        }
        if (remaining == 1) {
            sum += (buf.getByte(i) & 0xff) << 8;
        }
        return sum;
    }

    /** Adds a 32-bit value as its two 16-bit words. */
    public static long addInt(long accumulator, int value) {
        return accumulator + (value >>> 16) + (value & 0xffff);
    }

    /**
     * The sum of the TCP pseudo-header (RFC 9293 §3.1): source and destination address, zero, protocol
     * 6, and the TCP length (header plus data) in bytes.
     */
    public static long pseudoHeader(int srcAddr, int dstAddr, int tcpLength) {
        return addInt(addInt(0, srcAddr), dstAddr) + PacketCodec.IP_PROTOCOL_TCP + tcpLength;
    }

    /** Folds an accumulator to the 16-bit one's-complement sum, with end-around carries. */
    public static int fold(long accumulator) {
        long sum = (accumulator >>> 32) + (accumulator & 0xffffffffL);
        sum = (sum >>> 16) + (sum & 0xffff);
        sum = (sum >>> 16) + (sum & 0xffff);
        sum = (sum >>> 16) + (sum & 0xffff);
        return (int) sum;
    }

    /** The checksum field value for data whose sum is {@code accumulator}: the complement of the fold. */
    public static int finish(long accumulator) {
        return ~fold(accumulator) & 0xffff;
    }

    /**
     * True when data that includes its own checksum field sums to all ones, i.e. the checksum verifies
     * (RFC 1071 §1(3)).
     */
    public static boolean verifies(long accumulator) {
        return fold(accumulator) == 0xffff;
    }

    /** The checksum of {@code length} bytes of {@code buf} from {@code index}. */
    public static int of(ByteBuf buf, int index, int length) {
        return finish(add(0, buf, index, length));
    }
}
