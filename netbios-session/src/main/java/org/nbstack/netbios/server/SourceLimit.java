package org.nbstack.netbios.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A limit per remote address on something each connection holds (a pending-connection place, a session), so that
 * one address cannot take every place of the server-wide limit. Lock-free; an address is tracked only while it holds
 * at least one place, so the table never holds more entries than the places held (bounded by the server-wide limit).
 * A limit of 0 tracks nothing and always admits.
 */
final class SourceLimit {

    private final int limit;
    private final ConcurrentHashMap<InetAddress, Integer> held = new ConcurrentHashMap<>();

    SourceLimit(int limit) {
        this.limit = limit;
    }

    int limit() {
        return limit;
    }

    /** Takes one place for {@code remote}'s address; false when that address already holds the limit. */
    boolean tryAcquire(SocketAddress remote) {
        InetAddress source = addressOf(remote);
        if (limit == 0 || source == null) {
            return true;
        }
        boolean[] taken = {false};
        held.compute(source, (address, count) -> {
            int now = count == null ? 0 : count;
            if (now >= limit) {
                return count;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    /** Gives back a place {@link #tryAcquire} took for {@code remote}. */
    void release(SocketAddress remote) {
        InetAddress source = addressOf(remote);
        if (limit == 0 || source == null) {
            return;
        }
        held.computeIfPresent(source, (address, count) -> count <= 1 ? null : count - 1);
    }

    /** Places {@code remote}'s address holds now. */
    int held(SocketAddress remote) {
        InetAddress source = addressOf(remote);
        return source == null ? 0 : held.getOrDefault(source, 0);
    }

    /** Addresses holding at least one place. */
    int sources() {
        return held.size();
    }

    private static InetAddress addressOf(SocketAddress remote) {
        return remote instanceof InetSocketAddress inet ? inet.getAddress() : null;
    }
}
