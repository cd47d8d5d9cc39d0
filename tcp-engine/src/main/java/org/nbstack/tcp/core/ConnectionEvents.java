package org.nbstack.tcp.core;

import io.netty.buffer.ByteBuf;

/** What a connection tells its owner. All calls happen inside a call into the connection, on its thread. */
public interface ConnectionEvents {

    /** The handshake completed (both SYNs acknowledged). */
    default void onEstablished(TcpConnection connection) {
    }

    /** In-order data; ownership of {@code data} passes to the callee, who calls {@link TcpConnection#consumed} once it has read it. */
    void onData(TcpConnection connection, ByteBuf data);

    /** The peer's FIN arrived in order: no more data will come. */
    default void onPeerFin(TcpConnection connection) {
    }

    /** Acknowledgments freed send-buffer space. */
    default void onSendSpace(TcpConnection connection) {
    }

    /** The connection reached CLOSED; it will never call again. */
    default void onClosed(TcpConnection connection, CloseReason reason) {
    }

    /** Asked when the connection is about to enter TIME_WAIT; false makes it skip TIME_WAIT (table full). */
    default boolean admitTimeWait(TcpConnection connection) {
        return true;
    }

    /** Asked when a passive open completes; false leaves it in SYN_RECEIVED (accept queue full, the ACK is dropped). */
    default boolean admitEstablished(TcpConnection connection) {
        return true;
    }
}
