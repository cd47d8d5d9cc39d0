package org.nbstack.tcp.interop;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The byte stream both sides of an interop test send and check, the same as kernel_peer.py's: byte i
 * is BLOCK[i % P] with P prime and BLOCK made of SHA-256(seed || k) digests. The block is held twice
 * over in one direct buffer so any stretch up to P bytes is one slice, sent without copying.
 */
final class InteropPattern {
    static final int P = 1_000_003;
    private static final byte[] SEED = "nbstack-interop".getBytes(StandardCharsets.US_ASCII);
    /** Never released: shared by every test of the JVM, from an allocator without leak tracking. */
    private static final ByteBuf DOUBLED = build();

    private InteropPattern() {
    }

    private static ByteBuf build() {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] block = new byte[P];
            int filled = 0;
            for (long k = 0; filled < P; k++) {
                sha.update(SEED);
                sha.update(ByteBuffer.allocate(8).putLong(k).array());
                byte[] d = sha.digest();
                int n = Math.min(d.length, P - filled);
                System.arraycopy(d, 0, block, filled, n);
                filled += n;
            }
            ByteBuf b = new UnpooledByteBufAllocator(true, true).directBuffer(2 * P, 2 * P);
            b.writeBytes(block).writeBytes(block);
            return b;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stream bytes [offset, offset + length) as a retained slice the receiver releases; length <= P. */
    static ByteBuf slice(long offset, int length) {
        return DOUBLED.retainedSlice((int) (offset % P), length);
    }

    /**
     * The stream offset of the first byte of {@code data} that differs from the stream at
     * {@code offset}, or -1 when all match.
     */
    static long firstMismatch(long offset, ByteBuf data) {
        int len = data.readableBytes();
        int done = 0;
        while (done < len) {
            int n = Math.min(len - done, P);
            int at = (int) ((offset + done) % P);
            if (!ByteBufUtil.equals(data, data.readerIndex() + done, DOUBLED, at, n)) {
                for (int i = 0; i < n; i++) {
                    if (data.getByte(data.readerIndex() + done + i) != DOUBLED.getByte(at + i)) {
                        return offset + done + i;
                    }
                }
            }
            done += n;
        }
        return -1;
    }
}
