package org.nbstack.tcp.netty;

/**
 * How packets from the link for a listening port find their shard: by a hash of the remote address and
 * port over the shards of the server channel's event loop group. The array never changes, so every segment
 * of one connection lands on the shard that took its SYN. Loopback connections never use it: they stay
 * in the connecting channel's shard, which holds a copy of every listener.
 */
final class ListenerRoute {
    final EngineServerSocketChannel server;
    final Shard[] shards;

    ListenerRoute(EngineServerSocketChannel server, Shard[] shards) {
        this.server = server;
        this.shards = shards;
    }

    Shard shardFor(int remoteAddr, int remotePort) {
        int h = (remoteAddr * 0x9E3779B9) ^ (remotePort * 0x85EBCA6B);
        h ^= h >>> 16;
        return shards[Math.floorMod(h, shards.length)];
    }
}
