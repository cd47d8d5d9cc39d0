package org.nbstack.tcp.link;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fallback when the engine's loops are not epoll loops: a platform thread of the link's own sleeps
 * in {@link FdPoller} until the device is readable, then reads a batch; the engine's receiver moves each
 * packet onto its owning loop.
 */
final class ThreadTunReader implements TunReader {
    private static final Logger log = LoggerFactory.getLogger(ThreadTunReader.class);

    private final String device;
    private final TunBatchReader reader;
    private final FdPoller poller;
    private final Thread thread;
    private volatile boolean stopping;

    ThreadTunReader(TunDevice tun, TunBatchReader reader) throws TunException {
        this.device = tun.name();
        this.reader = reader;
        this.poller = new FdPoller(tun.fd());
        this.thread = Thread.ofPlatform().name("nbstack-tun-" + tun.name()).daemon().unstarted(this::run);
        thread.start();
    }

    private void run() {
        try {
            while (!stopping) {
                if (poller.await(1000)) {
                    while (!stopping && !reader.readBatch()) {
                        // a full batch: read on until the device is drained or the link stops
                    }
                }
            }
        } catch (TunException e) {
            if (!stopping) {
                log.error("tun link {} stopped reading: {}", device, e.getMessage());
            }
        } finally {
            reader.release();
        }
    }

    @Override
    public Thread thread() {
        return thread;
    }

    @Override
    public boolean onEventLoop() {
        return false;
    }

    @Override
    public void stop() {
        stopping = true;
        poller.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller.close();
    }
}
