package org.nbstack.tcp.netty;

import org.nbstack.tcp.stack.Listener;
import org.nbstack.tcp.stack.StackConnection;

/**
 * One server channel's listener inside one shard. When the stack completes handshakes, it turns the
 * connections into child channels and hands them to the server channel, as many as the server's
 * backlog has room for; the rest wait in the stack's accept queue (whose bound makes new SYNs wait).
 */
final class ShardListener extends ShardWork implements Listener.AcceptListener {
    private final Shard shard;
    private final EngineServerSocketChannel server;
    private Listener listener;

    ShardListener(Shard shard, EngineServerSocketChannel server) {
        this.shard = shard;
        this.server = server;
    }

    void attach(Listener stackListener) {
        this.listener = stackListener;
    }

    @Override
    public void onAcceptable(Listener l) {
        shard.submit(this); // the stack is mid-handshake here; accept after it returns
    }

    @Override
    void process() {
        if (listener == null || listener.isClosed()) {
            return;
        }
        while (server.reserveAcceptSlot()) {
            StackConnection connection = listener.poll();
            if (connection == null) {
                server.releaseAcceptSlot();
                return;
            }
            server.handOver(new EngineSocketChannel(server, shard, connection));
        }
        if (listener.acceptQueueLength() > 0) {
            server.acceptStarved(shard);
        }
    }

    void close() {
        if (listener != null) {
            listener.close();
        }
    }

    @Override
    public String toString() {
        return "listener of " + server + " on " + shard;
    }
}
