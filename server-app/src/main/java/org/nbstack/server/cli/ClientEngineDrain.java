package org.nbstack.server.cli;

import java.time.Duration;
import java.util.List;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.netty.Engine;
import org.nbstack.tcp.stack.ConnectionInfo;

/**
 * Lets a short-lived client engine (the one {@code nbstack ping --transport engine} runs) finish its closing
 * connections before it goes away. The engine lives only as long as the command: shut down with a connection still
 * in FIN_WAIT_1/2 or CLOSING, it never acknowledges the server's FIN, and the server sits in LAST_ACK retransmitting
 * it until its orphan retries run out (RFC 9293 3.6: the side that closes first must ACK the other's FIN).
 */
final class ClientEngineDrain {

    private static final long POLL_MILLIS = 10;

    private ClientEngineDrain() {
    }

    /**
     * Waits until every connection of {@code engine} has reached TIME_WAIT or CLOSED, at most {@code bound}.
     *
     * @return the connections still closing when the bound passed (empty when all finished)
     */
    static List<ConnectionInfo> awaitFinished(Engine engine, Duration bound) throws InterruptedException {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            List<ConnectionInfo> closing = engine.netstat().stream().filter(c -> !finished(c.state())).toList();
            if (closing.isEmpty() || System.nanoTime() - deadline >= 0) {
                return closing;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** TIME_WAIT is the closing side's last state: its ACK of the peer's FIN has gone out. */
    private static boolean finished(TcpState state) {
        return state == TcpState.LISTEN || state == TcpState.TIME_WAIT || state == TcpState.CLOSED;
    }
}
