package org.nbstack.smb.server;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;

/** Error responses that carry ErrorData (MS-SMB2 2.2.2). */
final class ErrorData {

    private ErrorData() {
    }

    /** The error response of BUFFER_TOO_SMALL: ByteCount 4 and, as ErrorData, the octets the answer takes (MS-SMB2 2.2.2.2). */
    static ByteBuf requiredSize(int octets) {
        ByteBuf b = ByteBufAllocator.DEFAULT.buffer(12);
        b.writeShortLE(9);
        b.writeByte(0); // ErrorContextCount
        b.writeByte(0);
        b.writeIntLE(4);
        b.writeIntLE(octets);
        return b;
    }
}
