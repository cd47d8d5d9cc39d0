package org.nbstack.smb.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** SMB2 requests built octet by octet (MS-SMB2 2.2), for tests that talk to the server without a stock client. */
public final class Smb2Requests {

    public static final int GENERIC_READ = 0x80000000;
    public static final int GENERIC_WRITE = 0x40000000;
    public static final int FILE_OPEN = 1;
    public static final int LOCK_EXCLUSIVE_FAIL_IMMEDIATELY = 0x2 | 0x10; // MS-SMB2 2.2.26.1

    private Smb2Requests() {
    }

    /** The whole message: a request header (one credit charged, eight asked for) and {@code body}, which is released. */
    public static ByteBuf message(int command, long messageId, long sessionId, int treeId, ByteBuf body) {
        ByteBuf out = Unpooled.directBuffer();
        new Smb2Header(1, 0, command, 8, 0, 0, messageId, 0, treeId, sessionId).encode(out);
        out.setIntLE(16, 0); // a request: no SERVER_TO_REDIR
        out.writeBytes(body);
        body.release();
        return out;
    }

    public static ByteBuf negotiate(int dialect) {
        return Unpooled.buffer().writeShortLE(36).writeShortLE(1).writeShortLE(1).writeShortLE(0).writeIntLE(0).writeZero(16)
                .writeLongLE(0).writeShortLE(dialect);
    }

    /** An NTLMSSP message of {@code type} with every field empty (the AUTHENTICATE of an anonymous logon). */
    public static byte[] ntlmssp(int type, int length) {
        byte[] token = new byte[length];
        System.arraycopy("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII), 0, token, 0, 8);
        token[8] = (byte) type;
        return token;
    }

    public static ByteBuf sessionSetup(byte[] token) {
        return Unpooled.buffer().writeShortLE(25).writeByte(0).writeByte(1).writeIntLE(0).writeIntLE(0)
                .writeShortLE(Smb2Header.SIZE + 24).writeShortLE(token.length).writeLongLE(0).writeBytes(token);
    }

    public static ByteBuf treeConnect(String path) {
        byte[] p = path.getBytes(StandardCharsets.UTF_16LE);
        return Unpooled.buffer().writeShortLE(9).writeShortLE(0).writeShortLE(Smb2Header.SIZE + 8).writeShortLE(p.length).writeBytes(p);
    }

    /** CREATE of {@code name} with {@code access}, sharing read, write and delete. */
    public static ByteBuf create(String name, int access, int disposition) {
        byte[] n = name.getBytes(StandardCharsets.UTF_16LE);
        ByteBuf b = Unpooled.buffer().writeShortLE(57).writeByte(0).writeByte(0).writeIntLE(2).writeLongLE(0).writeLongLE(0);
        b.writeIntLE(access).writeIntLE(0).writeIntLE(7).writeIntLE(disposition).writeIntLE(0);
        b.writeShortLE(Smb2Header.SIZE + 56).writeShortLE(n.length).writeIntLE(0).writeIntLE(0).writeBytes(n);
        return b;
    }

    public static ByteBuf read(byte[] fileId, long offset, int length) {
        return Unpooled.buffer().writeShortLE(49).writeByte(0x50).writeByte(0).writeIntLE(length).writeLongLE(offset).writeBytes(fileId)
                .writeIntLE(0).writeIntLE(0).writeIntLE(0).writeShortLE(0).writeShortLE(0).writeByte(0);
    }

    /** LOCK of one range (MS-SMB2 2.2.26). */
    public static ByteBuf lock(byte[] fileId, long offset, long length, int flags) {
        return Unpooled.buffer().writeShortLE(48).writeShortLE(1).writeIntLE(0).writeBytes(fileId).writeLongLE(offset).writeLongLE(length)
                .writeIntLE(flags).writeIntLE(0);
    }

    public static ByteBuf logoff() {
        return Unpooled.buffer().writeShortLE(4).writeShortLE(0);
    }
}
