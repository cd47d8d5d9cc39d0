package org.nbstack.tcp.wire;

import io.netty.buffer.ByteBuf;
import java.nio.ByteBuffer;

/**
 * Copies payload bytes part by part. A payload made of several buffers (a segment spanning two writes is a
 * composite of both) is copied from each part in turn: Netty's {@code writeBytes} into a buffer of its default
 * (adaptive) allocator would first merge such a source into one temporary array of its whole size.
 */
public final class PayloadCopy {
    private PayloadCopy() {
    }

    /** Appends {@code length} bytes of {@code src} from {@code index} to {@code dst}; {@code src}'s indexes stay. */
    public static void append(ByteBuf src, int index, int length, ByteBuf dst) {
        if (src.nioBufferCount() > 1) {
            for (ByteBuffer part : src.nioBuffers(index, length)) {
                dst.writeBytes(part);
            }
        } else {
            dst.writeBytes(src, index, length);
        }
    }
}
