package org.nbstack.tcp.netty;

/**
 * Something a shard must attend to after the engine call that produced it returns: a channel with
 * events to deliver, a listener with connections to hand to its server channel. Queued at most once.
 */
abstract class ShardWork {
    boolean queued;

    /** Runs on the shard's event loop, outside any call into the TCP stack. */
    abstract void process();
}
