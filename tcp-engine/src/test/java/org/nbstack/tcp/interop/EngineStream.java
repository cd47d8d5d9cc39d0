package org.nbstack.tcp.interop;

import io.netty.buffer.ByteBuf;
import java.util.concurrent.CompletableFuture;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.ConnectionEvents;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.stack.StackConnection;

/**
 * The engine's side of an interop stream, run on the loop thread: sends {@link #toSend} pattern bytes
 * as the send buffer allows, checks every byte it receives against the pattern (or echoes it), and
 * closes as told. The test thread reads the results through the volatile fields and futures.
 */
final class EngineStream implements ConnectionEvents {
    private static final int CHUNK = 64 * 1024;

    final String name;
    StackConnection conn;
    long toSend;
    boolean echo;
    boolean closeWhenSent;
    /** Half-close (FIN) after the last byte but keep reading: for echo peers that answer until EOF. */
    boolean shutdownWhenSent;
    boolean closeOnPeerFin;
    boolean checkPattern = true;
    volatile long sent;
    volatile long received;
    volatile long firstBad = -1;
    volatile long establishedAtNanos = -1;
    final CompletableFuture<Void> established = new CompletableFuture<>();
    final CompletableFuture<Void> peerFin = new CompletableFuture<>();
    final CompletableFuture<CloseReason> closed = new CompletableFuture<>();
    private boolean sendDone;

    EngineStream(String name) {
        this.name = name;
    }

    EngineStream sending(long bytes) {
        toSend = bytes;
        return this;
    }

    /** Binds to an accepted or connecting connection; call on the loop thread. */
    void attach(StackConnection c) {
        conn = c;
        if (c.state().isSynchronized()) {
            markEstablished();
        }
    }

    private void markEstablished() {
        if (establishedAtNanos < 0) {
            establishedAtNanos = System.nanoTime();
            established.complete(null);
        }
    }

    TcpState state() {
        return conn == null ? null : conn.state();
    }

    /** Writes as much of the remaining stream as the send buffer takes. */
    void pump() {
        if (conn == null || sendDone) {
            return;
        }
        TcpState s = conn.state();
        if (!s.isSynchronized() || s.isSendClosed()) {
            return;
        }
        boolean wrote = false;
        long at = sent;
        while (at < toSend && conn.connection().sendSpace() > 0) {
            int n = (int) Math.min(Math.min(CHUNK, conn.connection().sendSpace()), toSend - at);
            conn.write(InteropPattern.slice(at, n));
            at += n;
            wrote = true;
        }
        sent = at;
        if (wrote) {
            conn.flush();
        }
        if (at == toSend) {
            sendDone = true;
            if (closeWhenSent) {
                conn.close();
            } else if (shutdownWhenSent) {
                conn.shutdownOutput();
            }
        }
    }

    @Override
    public void onEstablished(TcpConnection c) {
        markEstablished();
        pump();
    }

    @Override
    public void onData(TcpConnection c, ByteBuf data) {
        int n = data.readableBytes();
        if (checkPattern && firstBad < 0) {
            firstBad = InteropPattern.firstMismatch(received, data);
        }
        received += n;
        if (echo && !conn.state().isSendClosed()) {
            sent += n;
            conn.write(data);
            conn.flush();
        } else {
            data.release();
        }
        conn.consumed(n);
    }

    @Override
    public void onPeerFin(TcpConnection c) {
        peerFin.complete(null);
        if (closeOnPeerFin) {
            if (sendDone || toSend == 0) {
                conn.close();
            } else {
                closeWhenSent = true;
            }
        }
    }

    @Override
    public void onSendSpace(TcpConnection c) {
        pump();
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason reason) {
        established.completeExceptionally(new IllegalStateException(name + " closed before established: " + reason));
        peerFin.completeExceptionally(new IllegalStateException(name + " closed without the peer's FIN: " + reason));
        closed.complete(reason);
    }

    @Override
    public String toString() {
        return name + " " + (conn == null ? "unconnected" : conn.connection()) + " sent=" + sent + " received="
                + received + (closed.isDone() ? " closed " + closed.getNow(null) : "");
    }
}
