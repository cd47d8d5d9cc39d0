package org.nbstack.netbios.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;

/** A kernel TCP socket to a server on 127.0.0.1. */
final class SocketConnection implements ClientConnection {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private SocketConnection(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    static SocketConnection connect(InetSocketAddress server, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) DEFAULT_READ_TIMEOUT.toMillis());
        socket.connect(server, 5000);
        return new SocketConnection(socket);
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void readTimeout(Duration timeout) throws IOException {
        socket.setSoTimeout((int) Math.max(1, timeout.toMillis()));
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
