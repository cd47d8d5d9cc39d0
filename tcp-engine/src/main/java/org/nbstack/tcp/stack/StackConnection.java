package org.nbstack.tcp.stack;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.ConnectionEvents;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.core.TcpState;

/**
 * The application's handle on a connection inside a {@link TcpStack}: user calls go through here so
 * the stack can reschedule the connection's timer, and events reach the application's handler. Events
 * that arrive before a handler is set (data on the handshake's last ACK of an accepted connection)
 * are held and replayed when it is.
 */
public final class StackConnection implements ConnectionEvents {
    private final TcpStack stack;
    private final Listener listener;
    TcpConnection connection;
    private ConnectionEvents handler;
    private List<ByteBuf> heldData;
    private boolean heldFin;
    private CloseReason heldClose;
    private boolean inAcceptQueue;
    private boolean synCounted;
    boolean inTimeWaitTable;
    long scheduledDeadline = Long.MAX_VALUE;

    StackConnection(TcpStack stack, Listener listener) {
        this.stack = stack;
        this.listener = listener;
    }

    public TcpConnection connection() {
        return connection;
    }

    public TcpState state() {
        return connection.state();
    }

    /** Sets the receiver of this connection's events and replays what arrived before it. */
    public void setHandler(ConnectionEvents newHandler) {
        handler = newHandler;
        if (heldData != null) {
            List<ByteBuf> data = heldData;
            heldData = null;
            for (ByteBuf b : data) {
                newHandler.onData(connection, b);
            }
        }
        if (heldFin) {
            heldFin = false;
            newHandler.onPeerFin(connection);
        }
        if (heldClose != null) {
            CloseReason reason = heldClose;
            heldClose = null;
            newHandler.onClosed(connection, reason);
        }
    }

    public void write(ByteBuf data) {
        connection.write(data);
    }

    public void flush() {
        connection.flush(stack.now());
        stack.afterUserCall(this);
    }

    public void consumed(int bytes) {
        connection.consumed(stack.now(), bytes);
        stack.afterUserCall(this);
    }

    public void shutdownOutput() {
        connection.shutdownOutput(stack.now());
        stack.afterUserCall(this);
    }

    public void close() {
        connection.close(stack.now());
        stack.afterUserCall(this);
    }

    public void abort() {
        connection.abort(stack.now());
        stack.afterUserCall(this);
    }

    public void reconfigure(TcpConfig config) {
        connection.reconfigure(stack.now(), config);
        stack.afterUserCall(this);
    }

    void countSyn() {
        synCounted = true;
        listener.synReceivedAdded();
    }

    private void uncountSyn() {
        if (synCounted) {
            synCounted = false;
            listener.synReceivedRemoved();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // ConnectionEvents from the core

    @Override
    public boolean admitEstablished(TcpConnection c) {
        if (listener == null) {
            return true;
        }
        if (listener.isClosed() || !listener.hasAcceptRoom()) {
            stack.counters().acceptQueueOverflows++;
            return false;
        }
        return true;
    }

    @Override
    public void onEstablished(TcpConnection c) {
        if (listener != null) {
            uncountSyn();
            inAcceptQueue = true;
            listener.enqueue(this);
        } else if (handler != null) {
            handler.onEstablished(c);
        }
    }

    /** The application took this connection from the accept queue. */
    void accepted() {
        inAcceptQueue = false;
    }

    @Override
    public void onData(TcpConnection c, ByteBuf data) {
        if (handler != null) {
            handler.onData(c, data);
        } else {
            if (heldData == null) {
                heldData = new ArrayList<>(4);
            }
            heldData.add(data);
        }
    }

    @Override
    public void onPeerFin(TcpConnection c) {
        if (handler != null) {
            handler.onPeerFin(c);
        } else {
            heldFin = true;
        }
    }

    @Override
    public void onSendSpace(TcpConnection c) {
        if (handler != null) {
            handler.onSendSpace(c);
        }
    }

    @Override
    public boolean admitTimeWait(TcpConnection c) {
        return stack.admitTimeWait(this);
    }

    @Override
    public void onClosed(TcpConnection c, CloseReason reason) {
        uncountSyn();
        if (inAcceptQueue) {
            inAcceptQueue = false;
            listener.forget(this);
        }
        stack.connectionClosed(this);
        if (handler != null) {
            handler.onClosed(c, reason);
        } else {
            heldClose = reason;
            if (heldData != null) {
                heldData.forEach(ByteBuf::release);
                heldData = null;
            }
        }
    }
}
