package org.nbstack.tcp.link;

/** Whatever waits for a TUN device to become readable and runs its {@link TunBatchReader}. */
interface TunReader {

    /** The thread reads run on: an engine event loop's, or the fallback reader thread's. */
    Thread thread();

    /** Whether reads run on one of the engine's event loops (epoll), not a thread of the link's own. */
    boolean onEventLoop();

    /** Stops reading and frees the read buffer; after it returns the device's descriptor may be closed. */
    void stop();
}
