package org.nbstack.smb.protocol;

import io.netty.buffer.ByteBuf;

/**
 * The 64-octet SMB2 packet header (MS-SMB2 2.2.1), sync or async form, all fields little-endian.
 *
 * @param channelSequenceOrStatus the request's ChannelSequence/Reserved, or the response's Status
 * @param treeId                  the sync form's TreeId (the async form's AsyncId is not kept: the server answers synchronously)
 */
public record Smb2Header(int creditCharge, int channelSequenceOrStatus, int command, int credits, int flags, int nextCommand,
        long messageId, int processId, int treeId, long sessionId) {

    public static final int SIZE = 64;
    public static final int PROTOCOL_ID = 0x424D53FE; // 0xFE 'S' 'M' 'B' read little-endian
    public static final int SMB1_PROTOCOL_ID = 0x424D53FF;

    public static final int FLAG_SERVER_TO_REDIR = 0x1;
    public static final int FLAG_ASYNC = 0x2;
    public static final int FLAG_RELATED = 0x4;
    public static final int FLAG_SIGNED = 0x8;

    /**
     * The header at {@code offset} of {@code buf}.
     *
     * @throws SmbStatusException INVALID_PARAMETER when it is truncated, not SMB2, or not 64 octets long by its own account
     */
    public static Smb2Header decode(ByteBuf buf, int offset) {
        if (offset < 0 || buf.readableBytes() - offset < SIZE) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "SMB2 header truncated");
        }
        int base = buf.readerIndex() + offset;
        if (buf.getIntLE(base) != PROTOCOL_ID || buf.getUnsignedShortLE(base + 4) != SIZE) {
            throw new SmbStatusException(NtStatus.INVALID_PARAMETER, "not an SMB2 header");
        }
        int flags = buf.getIntLE(base + 16);
        return new Smb2Header(buf.getUnsignedShortLE(base + 6), buf.getIntLE(base + 8), buf.getUnsignedShortLE(base + 12),
                buf.getUnsignedShortLE(base + 14), flags, buf.getIntLE(base + 20), buf.getLongLE(base + 24),
                buf.getIntLE(base + 32), buf.getIntLE(base + 36), buf.getLongLE(base + 40));
    }

    /** Writes this header as a response: the status in place of the channel sequence, signature zero (responses are not signed). */
    public void encode(ByteBuf out) {
        out.writeIntLE(PROTOCOL_ID);
        out.writeShortLE(SIZE);
        out.writeShortLE(creditCharge);
        out.writeIntLE(channelSequenceOrStatus);
        out.writeShortLE(command);
        out.writeShortLE(credits);
        out.writeIntLE(flags);
        out.writeIntLE(nextCommand);
        out.writeLongLE(messageId);
        out.writeIntLE(processId);
        out.writeIntLE(treeId);
        out.writeLongLE(sessionId);
        out.writeZero(16);
    }

    public boolean related() {
        return (flags & FLAG_RELATED) != 0;
    }
}
