package org.nbstack.tcp.wire;

import io.netty.buffer.ByteBuf;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The Internet checksum (RFC 1071): the 16-bit one's-complement of the one's-complement sum of the
 * data taken as big-endian 16-bit words, an odd last byte padded with zero.
 *
 * <p>Partial sums are carried in a {@code long} accumulator and folded to 16 bits only at the end;
 * the one's-complement sum is independent of how the words are grouped (RFC 1071 §2(B)), so adding
 * 32-bit halves of 64-bit reads gives the same result as adding 16-bit words one by one.
 */
public final class Checksum {
    private static final VarHandle LONG_BE =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    private Checksum() {
    }

    /**
     * Adds {@code length} bytes of {@code buf} from absolute {@code index} to {@code accumulator} and
     * returns the new accumulator. The range must start at an even offset of the checksummed data (an
     * odd length is fine only for the last range). Reads through index accessors, so heap, direct and
     * composite buffers all work; indexes are not changed.
     */
    public static long add(long accumulator, ByteBuf buf, int index, int length) {
        if (buf.hasArray()) {
            return addArray(accumulator, buf.array(), buf.arrayOffset() + index, length);
        }
        if (buf.nioBufferCount() == 1) {
            // One view of the whole range: Netty's leak-aware wrappers (PARANOID tests, ADVANCED sampling) record a
            // stack trace on every accessor call, which was one trace per 8 octets of every packet; now one per range.
            return addView(accumulator, buf.nioBuffer(index, length).order(ByteOrder.BIG_ENDIAN));
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

    private static long addView(long accumulator, ByteBuffer view) {
        long even = accumulator;
        long odd = 0;
        int i = view.position();
        int end = view.limit();
        for (; end - i >= 16; i += 16) {
            long first = view.getLong(i);
            long second = view.getLong(i + 8);
            even += (first >>> 32) + (first & 0xffffffffL);
            odd += (second >>> 32) + (second & 0xffffffffL);
        }
        long sum = even + odd;
        for (; end - i >= 2; i += 2) {
            sum += view.getShort(i) & 0xffff;
        }
        if (i < end) {
            sum += (view.get(i) & 0xff) << 8;
        }
        return sum;
    }

    /** As {@link #add(long, ByteBuf, int, int)} over a byte array. */
    public static long add(long accumulator, byte[] bytes, int offset, int length) {
        return addArray(accumulator, bytes, offset, length);
    }

    private static long addArray(long accumulator, byte[] bytes, int offset, int length) {
        long even = accumulator;
        long odd = 0;
        int i = offset;
        int end = offset + length;
        for (; end - i >= 16; i += 16) {
            long first = (long) LONG_BE.get(bytes, i);
            long second = (long) LONG_BE.get(bytes, i + 8);
            even += (first >>> 32) + (first & 0xffffffffL);
            odd += (second >>> 32) + (second & 0xffffffffL);
        }
        long sum = even + odd;
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
