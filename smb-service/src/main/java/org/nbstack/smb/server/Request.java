package org.nbstack.smb.server;

import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.Smb2Header;
import org.nbstack.smb.protocol.SmbStatusException;

/**
 * One SMB2 request of a (possibly compound) message: its header and bounds-checked little-endian reads of its body.
 * Offsets given to the {@code body*} methods count from the body start; {@link #bytes} takes offsets from the header
 * start, as the protocol's offset fields do. Anything out of bounds is INVALID_PARAMETER, never an exception of Netty.
 */
final class Request {

    final Smb2Header header;
    private final ByteBuf message; // this request only: header at index 0

    Request(Smb2Header header, ByteBuf message) {
        this.header = header;
        this.message = message;
    }

    /** MS-SMB2 3.3.5.2.6: the body must be at least the command's StructureSize (rounded down to even), and say so. */
    void requireStructureSize(int size) {
        int fixed = size & ~1;
        if (bodyLength() < fixed || u16(0) != size) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "bad StructureSize for " + header.command());
        }
    }

    /** This request's octets, header first, up to the next request of a compound (padding included); not retained. */
    ByteBuf message() {
        return message;
    }

    int bodyLength() {
        return message.readableBytes() - Smb2Header.SIZE;
    }

    int u8(int offset) {
        check(Smb2Header.SIZE + offset, 1);
        return message.getUnsignedByte(message.readerIndex() + Smb2Header.SIZE + offset);
    }

    int u16(int offset) {
        check(Smb2Header.SIZE + offset, 2);
        return message.getUnsignedShortLE(message.readerIndex() + Smb2Header.SIZE + offset);
    }

    int u32(int offset) {
        check(Smb2Header.SIZE + offset, 4);
        return message.getIntLE(message.readerIndex() + Smb2Header.SIZE + offset);
    }

    long u64(int offset) {
        check(Smb2Header.SIZE + offset, 8);
        return message.getLongLE(message.readerIndex() + Smb2Header.SIZE + offset);
    }

    /** {@code length} octets at {@code offset} from the header start. */
    byte[] bytes(long offset, long length) {
        check(offset, length);
        byte[] out = new byte[(int) length];
        message.getBytes(message.readerIndex() + (int) offset, out);
        return out;
    }

    /** A view of {@code length} octets at {@code offset} from the header start (not retained). */
    ByteBuf slice(long offset, long length) {
        check(offset, length);
        return message.slice(message.readerIndex() + (int) offset, (int) length);
    }

    String utf16(long offset, long length) {
        if ((length & 1) != 0) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "odd UTF-16 length");
        }
        return new String(bytes(offset, length), StandardCharsets.UTF_16LE);
    }

    private void check(long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > message.readableBytes()) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "field outside the request");
        }
    }
}
