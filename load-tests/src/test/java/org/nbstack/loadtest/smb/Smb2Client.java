package org.nbstack.loadtest.smb;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.nbstack.netbios.codec.NameCodec;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.smb.protocol.NtStatus;
import org.nbstack.smb.protocol.Smb2Command;
import org.nbstack.smb.protocol.Smb2Header;

/**
 * A minimal, blocking SMB2 client for the file load test: a NetBIOS session (RFC 1002 SESSION REQUEST), then SMB 2.0.2
 * NEGOTIATE, an anonymous NTLMSSP logon (raw tokens, no SPNEGO wrapping, which the server accepts), TREE_CONNECT,
 * CREATE, READ, WRITE and CLOSE, one request at a time (MS-SMB2 2.2). Meant for virtual threads, not event loops.
 * Failing users use {@link #sendRead} to ask for data they will never read.
 */
public final class Smb2Client implements AutoCloseable {

    private static final int DIALECT_202 = 0x0202;
    private static final int CREDITS_ASKED = 64;
    private static final int NTLM_UNICODE = 0x1;
    private static final int NTLM_NTLM = 0x200;
    private static final int NTLM_ANONYMOUS = 0x800;
    /** FILE_READ_DATA, FILE_WRITE_DATA, FILE_APPEND_DATA, EAs, attributes, READ_CONTROL, SYNCHRONIZE (MS-SMB2 2.2.13.1.1). */
    private static final int READ_WRITE_ACCESS = 0x0012019F;
    public static final int FILE_OPEN = 1;
    public static final int FILE_OVERWRITE_IF = 5;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private long nextMessageId;
    private long sessionId;
    private int treeId;

    private Smb2Client(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /**
     * A NetBIOS session with {@code called} at {@code server}; {@code receiveBuffer} (0: the system's) bounds what the
     * kernel buffers for a user that stops reading.
     */
    public static Smb2Client connect(InetSocketAddress server, NetbiosName called, String calling, int receiveBuffer, Duration timeout)
            throws IOException {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(server, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            Smb2Client client = new Smb2Client(socket);
            client.sessionRequest(called, NetbiosName.of(calling, NetbiosName.WORKSTATION_SUFFIX));
            return client;
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private void sessionRequest(NetbiosName called, NetbiosName calling) throws IOException {
        ByteBuf names = Unpooled.buffer();
        NameCodec.encode(called, names);
        NameCodec.encode(calling, names);
        frame(0x81, names); // RFC 1002 4.3.2
        int type = in.readUnsignedByte();
        int length = (in.readUnsignedByte() & 1) << 16 | in.readUnsignedShort();
        in.skipNBytes(length);
        if (type != 0x82) {
            throw new IOException("the server refused the NetBIOS session (packet type 0x" + Integer.toHexString(type) + ")");
        }
    }

    /** NEGOTIATE of SMB 2.0.2, then an anonymous logon in two SESSION_SETUP rounds, then TREE_CONNECT to {@code \\server\share}. */
    public void logOnAndConnect(String server, String share) throws IOException {
        ByteBuf negotiate = Unpooled.buffer();
        negotiate.writeShortLE(36).writeShortLE(1).writeShortLE(1).writeShortLE(0).writeIntLE(0);
        negotiate.writeZero(16 + 8); // ClientGuid, ClientStartTime
        negotiate.writeShortLE(DIALECT_202);
        Response negotiated = call(Smb2Command.NEGOTIATE, negotiate);
        negotiated.release();

        ByteBuf ntlmNegotiate = Unpooled.buffer();
        ntlmNegotiate.writeBytes("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).writeIntLE(1)
                .writeIntLE(NTLM_UNICODE | NTLM_NTLM | NTLM_ANONYMOUS).writeZero(16);
        Response challenge = call(Smb2Command.SESSION_SETUP, sessionSetup(ntlmNegotiate));
        sessionId = challenge.header.sessionId();
        challenge.release();
        // MS-NLMP 2.2.1.3: every field empty (offset 64, length 0) is the anonymous AUTHENTICATE
        ByteBuf authenticate = Unpooled.buffer();
        authenticate.writeBytes("NTLMSSP\0".getBytes(StandardCharsets.US_ASCII)).writeIntLE(3);
        for (int field = 0; field < 6; field++) {
            authenticate.writeShortLE(0).writeShortLE(0).writeIntLE(64);
        }
        authenticate.writeIntLE(NTLM_UNICODE | NTLM_NTLM | NTLM_ANONYMOUS);
        call(Smb2Command.SESSION_SETUP, sessionSetup(authenticate)).release();

        byte[] path = ("\\\\" + server + "\\" + share).getBytes(StandardCharsets.UTF_16LE);
        ByteBuf tree = Unpooled.buffer();
        tree.writeShortLE(9).writeShortLE(0).writeShortLE(Smb2Header.SIZE + 8).writeShortLE(path.length).writeBytes(path);
        Response connected = call(Smb2Command.TREE_CONNECT, tree);
        treeId = connected.header.treeId();
        connected.release();
    }

    private static ByteBuf sessionSetup(ByteBuf token) {
        ByteBuf b = Unpooled.buffer();
        b.writeShortLE(25).writeByte(0).writeByte(1).writeIntLE(0).writeIntLE(0);
        b.writeShortLE(Smb2Header.SIZE + 24).writeShortLE(token.readableBytes()).writeLongLE(0);
        b.writeBytes(token);
        token.release();
        return b;
    }

    /** CREATE of a file (MS-SMB2 2.2.13) for reading and writing; its 16-octet FileId. */
    public byte[] create(String name, int disposition) throws IOException {
        byte[] encoded = name.getBytes(StandardCharsets.UTF_16LE);
        ByteBuf b = Unpooled.buffer();
        b.writeShortLE(57).writeByte(0).writeByte(0).writeIntLE(2).writeLongLE(0).writeLongLE(0);
        b.writeIntLE(READ_WRITE_ACCESS).writeIntLE(0x80).writeIntLE(7).writeIntLE(disposition).writeIntLE(0x40);
        b.writeShortLE(Smb2Header.SIZE + 56).writeShortLE(encoded.length).writeIntLE(0).writeIntLE(0);
        b.writeBytes(encoded);
        Response created = call(Smb2Command.CREATE, b);
        byte[] fileId = new byte[16];
        created.body.getBytes(created.body.readerIndex() + 64, fileId);
        created.release();
        return fileId;
    }

    /** WRITE of {@code data} at {@code offset}; fails unless all of it was written. */
    public void write(byte[] fileId, long offset, byte[] data) throws IOException {
        ByteBuf b = Unpooled.buffer();
        b.writeShortLE(49).writeShortLE(Smb2Header.SIZE + 48).writeIntLE(data.length).writeLongLE(offset).writeBytes(fileId);
        b.writeIntLE(0).writeIntLE(0).writeShortLE(0).writeShortLE(0).writeIntLE(0);
        b.writeBytes(data);
        Response written = call(Smb2Command.WRITE, b);
        long count = written.body.getUnsignedIntLE(written.body.readerIndex() + 4);
        written.release();
        if (count != data.length) {
            throw new IOException("WRITE of " + data.length + " octets wrote " + count);
        }
    }

    /** READ of {@code length} octets at {@code offset}. */
    public byte[] read(byte[] fileId, long offset, int length) throws IOException {
        sendRead(fileId, offset, length);
        Response read = receive(Smb2Command.READ);
        int dataOffset = read.body.getUnsignedByte(read.body.readerIndex() + 2) - Smb2Header.SIZE;
        int dataLength = (int) read.body.getUnsignedIntLE(read.body.readerIndex() + 4);
        byte[] data = new byte[dataLength];
        read.body.getBytes(read.body.readerIndex() + dataOffset, data);
        read.release();
        return data;
    }

    /** Sends a READ request and does not wait for (or read) its response. */
    public void sendRead(byte[] fileId, long offset, int length) throws IOException {
        ByteBuf b = Unpooled.buffer();
        b.writeShortLE(49).writeByte(0).writeByte(0).writeIntLE(length).writeLongLE(offset).writeBytes(fileId);
        b.writeIntLE(0).writeIntLE(0).writeIntLE(0).writeShortLE(0).writeShortLE(0).writeByte(0);
        send(Smb2Command.READ, b);
    }

    public void close(byte[] fileId) throws IOException {
        ByteBuf b = Unpooled.buffer();
        b.writeShortLE(24).writeShortLE(0).writeIntLE(0).writeBytes(fileId);
        call(Smb2Command.CLOSE, b).release();
    }

    /**
     * Whether the server has ended this connection within {@code bound}: reads (and drops) whatever arrives until the
     * end of the stream or a reset.
     */
    public boolean endedWithin(Duration bound) throws IOException {
        long deadline = System.nanoTime() + bound.toNanos();
        byte[] sink = new byte[65536];
        while (System.nanoTime() - deadline < 0) {
            socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException stillOpen) {
                return false;
            } catch (IOException reset) {
                return true;
            }
        }
        return false;
    }

    private record Response(Smb2Header header, ByteBuf body) {
        void release() {
            body.release();
        }
    }

    private Response call(int command, ByteBuf body) throws IOException {
        send(command, body);
        return receive(command);
    }

    private void send(int command, ByteBuf body) throws IOException {
        ByteBuf message = Unpooled.buffer(Smb2Header.SIZE + body.readableBytes());
        new Smb2Header(1, 0, command, CREDITS_ASKED, 0, 0, nextMessageId++, 0, treeId, sessionId).encode(message);
        message.writeBytes(body);
        body.release();
        frame(0x00, message);
    }

    private Response receive(int command) throws IOException {
        while (true) {
            int type = in.readUnsignedByte();
            int length = (in.readUnsignedByte() & 1) << 16 | in.readUnsignedShort();
            byte[] payload = in.readNBytes(length);
            if (payload.length < length) {
                throw new EOFException("the server ended the connection");
            }
            if (type == 0x85) {
                continue; // KEEP ALIVE
            }
            ByteBuf message = Unpooled.wrappedBuffer(payload);
            Smb2Header header = Smb2Header.decode(message, 0);
            int status = header.channelSequenceOrStatus();
            if (header.command() != command) {
                throw new IOException("expected a response to " + Smb2Command.name(command) + ", got " + Smb2Command.name(header.command()));
            }
            if (status != NtStatus.SUCCESS && status != NtStatus.MORE_PROCESSING_REQUIRED) {
                throw new IOException(Smb2Command.name(command) + " failed with status " + NtStatus.hex(status));
            }
            return new Response(header, message.skipBytes(Smb2Header.SIZE));
        }
    }

    private void frame(int type, ByteBuf payload) throws IOException {
        int length = payload.readableBytes();
        byte[] frame = new byte[4 + length];
        frame[0] = (byte) type;
        frame[1] = (byte) (length >>> 16 & 1); // RFC 1002 4.3.1: 17-bit length
        frame[2] = (byte) (length >>> 8);
        frame[3] = (byte) length;
        payload.readBytes(frame, 4, length);
        payload.release();
        out.write(frame);
        out.flush();
    }

    /** Ends the connection at once. */
    @Override
    public void close() throws IOException {
        socket.close();
    }
}
