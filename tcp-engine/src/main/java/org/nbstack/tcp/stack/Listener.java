package org.nbstack.tcp.stack;

import java.util.ArrayDeque;
import org.nbstack.tcp.wire.Ipv4;

/**
 * A listening port (RFC 9293 LISTEN). Handshakes in progress are bounded by the SYN backlog; completed
 * connections wait in the accept queue, bounded by the backlog, until the application polls them.
 * When either is full, new SYNs are dropped (not reset), so the client retries, as Linux does.
 */
public final class Listener {
    /** Told when a connection can be polled. */
    @FunctionalInterface
    public interface AcceptListener {
        void onAcceptable(Listener listener);
    }

    private final TcpStack stack;
    private final int address;
    private final int port;
    private final int backlog;
    private final int synBacklog;
    private final AcceptListener acceptListener;
    private final ArrayDeque<StackConnection> acceptQueue = new ArrayDeque<>();
    private int synReceived;
    private boolean closed;
    private boolean cookieSent;
    /** When this listener last answered a SYN with a cookie (SYN queue overflow, or cookies always on). */
    private long lastCookieSentAt;

    Listener(TcpStack stack, int address, int port, int backlog, int synBacklog, AcceptListener acceptListener) {
        this.stack = stack;
        this.address = address;
        this.port = port;
        this.backlog = backlog;
        this.synBacklog = synBacklog;
        this.acceptListener = acceptListener;
    }

    public int address() {
        return address;
    }

    public int port() {
        return port;
    }

    public int acceptQueueLength() {
        return acceptQueue.size();
    }

    public int synReceivedCount() {
        return synReceived;
    }

    public boolean isClosed() {
        return closed;
    }

    /** The next established connection, or null. The caller must set its handler. */
    public StackConnection poll() {
        StackConnection c = acceptQueue.poll();
        if (c != null) {
            c.accepted();
        }
        return c;
    }

    /** Stops listening; connections not yet accepted are reset. */
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        stack.removeListener(this);
        StackConnection c;
        while ((c = acceptQueue.poll()) != null) {
            c.abort();
        }
    }

    boolean hasSynRoom() {
        return synReceived < synBacklog;
    }

    boolean hasAcceptRoom() {
        return acceptQueue.size() < backlog;
    }

    void synReceivedAdded() {
        synReceived++;
    }

    void synReceivedRemoved() {
        synReceived--;
    }

    void cookieSent(long now) {
        cookieSent = true;
        lastCookieSentAt = now;
    }

    /** Whether a cookie this listener sent can still be valid: only then is a stray ACK checked as one. */
    boolean sentCookieWithin(long now, long validity) {
        return cookieSent && now - lastCookieSentAt <= validity;
    }

    void enqueue(StackConnection connection) {
        acceptQueue.add(connection);
        acceptListener.onAcceptable(this);
    }

    void forget(StackConnection connection) {
        acceptQueue.remove(connection);
    }

    @Override
    public String toString() {
        return "listener " + (address == 0 ? "0.0.0.0" : Ipv4.toString(address)) + ":" + port;
    }
}
