package org.nbstack.netbios.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.util.List;
import org.nbstack.netbios.codec.NbssProtocolException.Reason;

/**
 * SMB2 over direct TCP (MS-SMB2 2.1, port 445): each message is preceded by a zero octet and a 24-bit big-endian
 * length. Emits each message as a {@link SessionMessage}, so that the session's data phase is the same as after a
 * NetBIOS session setup. A frame whose first octet is not zero or whose length exceeds the limit breaks the framing:
 * an {@link NbssProtocolException} is raised and all further input is discarded while the connection closes.
 */
public final class DirectTcpFrameDecoder extends ByteToMessageDecoder {

    public static final int HEADER_LENGTH = 4;
    /** The largest length 24 bits can say (MS-SMB2 2.1). */
    public static final int MAX_LENGTH = 0xFFFFFF;

    private final int maxMessageSize;
    private boolean failed;

    /** @param maxMessageSize largest message accepted, 0..{@link #MAX_LENGTH} */
    public DirectTcpFrameDecoder(int maxMessageSize) {
        if (maxMessageSize < 0 || maxMessageSize > MAX_LENGTH) {
            throw new IllegalArgumentException("maxMessageSize must be 0.." + MAX_LENGTH + ", got " + maxMessageSize);
        }
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (failed) {
            in.skipBytes(in.readableBytes());
            return;
        }
        if (in.readableBytes() < HEADER_LENGTH) {
            return;
        }
        int header = in.getInt(in.readerIndex());
        int zero = header >>> 24;
        int length = header & MAX_LENGTH;
        if (zero != 0) {
            fail(in, new NbssProtocolException(Reason.UNKNOWN_PACKET_TYPE,
                    String.format("a direct TCP frame must start with 0x00 (MS-SMB2 2.1), not 0x%02x", zero)));
        }
        if (length > maxMessageSize) {
            fail(in, new NbssProtocolException(Reason.MESSAGE_TOO_LARGE,
                    "a direct TCP frame of " + length + " octets exceeds the limit of " + maxMessageSize));
        }
        if (in.readableBytes() < HEADER_LENGTH + length) {
            return;
        }
        in.skipBytes(HEADER_LENGTH);
        out.add(new SessionMessage(in.readRetainedSlice(length)));
    }

    private void fail(ByteBuf in, NbssProtocolException error) {
        failed = true;
        in.skipBytes(in.readableBytes());
        throw error;
    }
}
