package org.nbstack.netbios.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.nbstack.netbios.codec.NbssFrames;
import org.nbstack.netbios.codec.NbssPacket;
import org.nbstack.netbios.codec.PacketType;
import org.nbstack.netbios.codec.SessionRequest;
import org.nbstack.netbios.name.NetbiosName;

/**
 * A blocking client that speaks raw RFC 1002 framing over a kernel socket or a transport's channel,
 * independent of the production client, so tests see exactly what the server puts on the wire.
 */
public final class RawNbssClient implements AutoCloseable {

    /** One packet as received: its type code and body. */
    public record Frame(int type, byte[] body) {
    }

    private final ClientConnection connection;
    private final DataInputStream in;
    private final OutputStream out;

    private RawNbssClient(ClientConnection connection) {
        this.connection = connection;
        this.in = new DataInputStream(connection.in());
        this.out = connection.out();
    }

    public static RawNbssClient connect(InetSocketAddress server) throws IOException {
        return connect(server, 0);
    }

    /**
     * A kernel socket to {@code server}.
     *
     * @param receiveBuffer SO_RCVBUF before connecting (small values make a non-reading client stall the sender fast); 0 = default
     */
    public static RawNbssClient connect(InetSocketAddress server, int receiveBuffer) throws IOException {
        return over(SocketConnection.connect(server, receiveBuffer));
    }

    /** Raw framing over any byte stream, such as an engine channel ({@link TestNetwork}). */
    public static RawNbssClient over(ClientConnection connection) {
        return new RawNbssClient(connection);
    }

    /** Connects and sends a SESSION REQUEST; returns the answer's type. */
    public int requestSession(NetbiosName called, NetbiosName calling) throws IOException {
        send(new SessionRequest(called, calling));
        return read().type();
    }

    public void send(NbssPacket packet) throws IOException {
        ByteBuf buf = Unpooled.buffer();
        try {
            NbssFrames.writeControl(packet, buf);
            byte[] bytes = new byte[buf.readableBytes()];
            buf.readBytes(bytes);
            sendRaw(bytes);
        } finally {
            buf.release();
        }
    }

    public void sendMessage(byte[] payload) throws IOException {
        ByteBuf header = Unpooled.buffer(4);
        try {
            NbssFrames.writeHeader(PacketType.SESSION_MESSAGE, payload.length, header);
            byte[] bytes = new byte[4 + payload.length];
            header.readBytes(bytes, 0, 4);
            System.arraycopy(payload, 0, bytes, 4, payload.length);
            sendRaw(bytes);
        } finally {
            header.release();
        }
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next packet, waiting up to 5 s. */
    public Frame read() throws IOException {
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int length = (flags & 1) << 16 | in.readUnsignedShort();
        byte[] body = new byte[length];
        in.readFully(body);
        return new Frame(type, body);
    }

    /** The next packet that is not a KEEP ALIVE. */
    public Frame readSkippingKeepAlives() throws IOException {
        Frame frame;
        do {
            frame = read();
        } while (frame.type() == 0x85);
        return frame;
    }

    /** Whether the peer closes (EOF or reset) within {@code within}, discarding whatever arrives first. */
    public boolean closedByPeerWithin(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] sink = new byte[8192];
        while (System.nanoTime() < deadline) {
            connection.readTimeout(Duration.ofNanos(deadline - System.nanoTime()));
            try {
                if (in.read(sink) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (EOFException | SocketException e) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() throws IOException {
        connection.close();
    }
}
