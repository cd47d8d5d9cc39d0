package org.nbstack.tcp.netty;

import io.netty.channel.ConnectTimeoutException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketAddress;
import org.nbstack.tcp.core.CloseReason;

/** Turns the reason a connection closed into the exception a Netty user expects from a socket. */
final class CloseReasons {
    private CloseReasons() {
    }

    /** The failure of a connect attempt that ended with {@code reason}; Netty appends the remote address. */
    static IOException connectFailure(CloseReason reason, SocketAddress remote) {
        return switch (reason) {
            case REFUSED -> new ConnectException("Connection refused");
            case CONNECT_TIMEOUT -> new ConnectTimeoutException("connection timed out (no answer to SYN after all"
                    + " retries)");
            default -> new ConnectException(reason.message());
        };
    }

    /** The error an established connection that ended with {@code reason} reports. */
    static IOException connectionFailure(CloseReason reason) {
        return switch (reason) {
            case RESET_BY_PEER -> new IOException("Connection reset by peer");
            case DATA_AFTER_CLOSE -> new IOException("Connection reset (data arrived after close)");
            case ABORTED -> new IOException("Connection aborted (reset sent)");
            case RETRANSMIT_TIMEOUT, USER_TIMEOUT, KEEPALIVE_TIMEOUT, FIN_WAIT_2_TIMEOUT, CONNECT_TIMEOUT, PERSIST_TIMEOUT ->
                    new IOException("Connection timed out: " + reason.message() + "; the connection was reset");
            default -> new IOException("Connection closed: " + reason.message());
        };
    }
}
