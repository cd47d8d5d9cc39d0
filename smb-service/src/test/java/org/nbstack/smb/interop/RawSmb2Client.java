package org.nbstack.smb.interop;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import org.nbstack.smb.auth.NtlmClient;
import org.nbstack.smb.crypto.MessageSigner;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Header;
import org.nbstack.smb.protocol.Smb2Requests;

/**
 * An SMB2 client over direct TCP (MS-SMB2 2.1: a zero octet and a 24-bit length before each message) that does what
 * no stock client does on demand: holds byte-range locks, sends requests without reading the replies. Anonymous logon,
 * one tree; one request in flight unless {@link #sendWithoutReading} is used.
 */
final class RawSmb2Client implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private long messageId;
    /** The session's signer once an NTLMv2 logon set it up; null for anonymous logons. */
    private MessageSigner signer;
    private long sessionId;
    private int treeId;

    /** Connected with a small receive buffer, so that a client that stops reading stalls the server soon. */
    RawSmb2Client(String host, int port) throws IOException {
        socket = new Socket();
        socket.setReceiveBufferSize(32 * 1024);
        socket.connect(new InetSocketAddress(host, port), 10_000);
        socket.setSoTimeout(30_000);
        in = new DataInputStream(socket.getInputStream());
        out = socket.getOutputStream();
    }

    /** NEGOTIATE 2.0.2, an anonymous SESSION_SETUP in two rounds, TREE_CONNECT to {@code share}. */
    RawSmb2Client logonAndConnect(String share) throws IOException {
        expect(NtStatus.SUCCESS, call(Smb2Command.NEGOTIATE, Smb2Requests.negotiate(0x0202)), "NEGOTIATE");
        byte[] challenge = call(Smb2Command.SESSION_SETUP, Smb2Requests.sessionSetup(Smb2Requests.ntlmssp(1, 32)));
        expect(NtStatus.MORE_PROCESSING_REQUIRED, challenge, "SESSION_SETUP 1");
        sessionId = le64(challenge, 40);
        expect(NtStatus.SUCCESS, call(Smb2Command.SESSION_SETUP, Smb2Requests.sessionSetup(Smb2Requests.ntlmssp(3, 72))), "SESSION_SETUP 2");
        byte[] tree = call(Smb2Command.TREE_CONNECT, Smb2Requests.treeConnect("\\\\SERVER\\" + share));
        expect(NtStatus.SUCCESS, tree, "TREE_CONNECT");
        treeId = (int) le32(tree, 36);
        return this;
    }

    /**
     * NEGOTIATE {@code dialect}, an NTLMv2 logon of {@code user} (KEY_EXCH: the session key is one this client chose),
     * TREE_CONNECT to {@code share}; from the final SESSION_SETUP on every request is signed, and every response must be.
     */
    RawSmb2Client logonAndConnect(int dialect, String user, String password, String share) throws IOException {
        expect(NtStatus.SUCCESS, call(Smb2Command.NEGOTIATE, Smb2Requests.negotiate(dialect)), "NEGOTIATE");
        byte[] negotiate = NtlmClient.negotiate(NtlmClient.FLAGS | NtlmClient.KEY_EXCH);
        byte[] first = call(Smb2Command.SESSION_SETUP, Smb2Requests.sessionSetup(negotiate));
        expect(NtStatus.MORE_PROCESSING_REQUIRED, first, "SESSION_SETUP 1");
        sessionId = le64(first, 40);
        int offset = (int) le32(first, Smb2Header.SIZE + 4) & 0xffff;
        byte[] challenge = Arrays.copyOfRange(first, offset, offset + ((int) le32(first, Smb2Header.SIZE + 6) & 0xffff));
        byte[] sessionKey = new byte[16];
        new java.security.SecureRandom().nextBytes(sessionKey);
        byte[] authenticate = NtlmClient.authenticate(negotiate, challenge, "WORKGROUP", user, password, sessionKey, false);
        signer = MessageSigner.forDialect(dialect, sessionKey);
        expect(NtStatus.SUCCESS, call(Smb2Command.SESSION_SETUP, Smb2Requests.sessionSetup(authenticate)), "SESSION_SETUP 2");
        byte[] tree = call(Smb2Command.TREE_CONNECT, Smb2Requests.treeConnect("\\\\SERVER\\" + share));
        expect(NtStatus.SUCCESS, tree, "TREE_CONNECT");
        treeId = (int) le32(tree, 36);
        return this;
    }

    /** CREATE of a new file {@code name}, signed, unsigned, or signed and then altered in one octet of its name; the status. */
    int create(String name, Signature signature) throws IOException {
        ByteBuf message = Smb2Requests.message(Smb2Command.CREATE, messageId++, sessionId, treeId,
                Smb2Requests.create(name, Smb2Requests.GENERIC_READ | Smb2Requests.GENERIC_WRITE, 2 /* FILE_CREATE */));
        if (signature != Signature.NONE) {
            signer.sign(message);
        }
        if (signature == Signature.TAMPERED) {
            int last = message.writerIndex() - 2; // the name's last character
            message.setByte(last, message.getByte(last) ^ 0x01);
        }
        return status(exchange(message));
    }

    enum Signature {
        VALID,
        NONE,
        TAMPERED
    }

    /** Opens {@code name} for reading and writing; its 16-octet file id. */
    byte[] open(String name) throws IOException {
        byte[] reply = call(Smb2Command.CREATE, Smb2Requests.create(name, Smb2Requests.GENERIC_READ | Smb2Requests.GENERIC_WRITE,
                Smb2Requests.FILE_OPEN));
        expect(NtStatus.SUCCESS, reply, "CREATE " + name);
        return Arrays.copyOfRange(reply, Smb2Header.SIZE + 64, Smb2Header.SIZE + 80); // MS-SMB2 2.2.14: FileId
    }

    /** An exclusive lock of one range that fails at once on a conflict; the status. */
    int lock(byte[] fileId, long offset, long length) throws IOException {
        return status(call(Smb2Command.LOCK, Smb2Requests.lock(fileId, offset, length, Smb2Requests.LOCK_EXCLUSIVE_FAIL_IMMEDIATELY)));
    }

    int logoff() throws IOException {
        return status(call(Smb2Command.LOGOFF, Smb2Requests.logoff()));
    }

    /** Sends a request and returns at once: its reply (and those before it) stay unread. */
    void sendWithoutReading(int command, ByteBuf body) throws IOException {
        ByteBuf message = Smb2Requests.message(command, messageId++, sessionId, treeId, body);
        if (signer != null) {
            signer.sign(message);
        }
        send(message);
    }

    private void send(ByteBuf message) throws IOException {
        try {
            byte[] bytes = new byte[4 + message.readableBytes()];
            bytes[1] = (byte) (message.readableBytes() >>> 16);
            bytes[2] = (byte) (message.readableBytes() >>> 8);
            bytes[3] = (byte) message.readableBytes();
            message.getBytes(message.readerIndex(), bytes, 4, message.readableBytes());
            out.write(bytes);
        } finally {
            message.release();
        }
    }

    private byte[] call(int command, ByteBuf body) throws IOException {
        sendWithoutReading(command, body);
        return receive();
    }

    private byte[] exchange(ByteBuf message) throws IOException {
        send(message);
        return receive();
    }

    /** The next reply; once the session signs, one whose signature does not verify is an IOException. */
    private byte[] receive() throws IOException {
        int length = in.readInt();
        if ((length >>> 24) != 0) {
            throw new IOException("not a direct TCP frame: " + Integer.toHexString(length));
        }
        byte[] reply = new byte[length];
        in.readFully(reply);
        if (signer != null && !signer.verifies(Unpooled.wrappedBuffer(reply))) {
            throw new IOException("a reply whose signature does not verify: status " + NtStatus.hex(status(reply)));
        }
        return reply;
    }

    static int status(byte[] reply) {
        return (int) le32(reply, 8);
    }

    private static void expect(int status, byte[] reply, String what) throws IOException {
        if (status(reply) != status) {
            throw new IOException(what + " answered " + NtStatus.hex(status(reply)));
        }
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static long le64(byte[] b, int at) {
        return le32(b, at) | le32(b, at + 4) << 32;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
