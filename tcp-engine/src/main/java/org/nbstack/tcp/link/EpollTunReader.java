package org.nbstack.tcp.link;

import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoEvent;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.unix.FileDescriptor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a TUN device on one of the engine's epoll event loops: the descriptor is registered with the
 * loop's epoll IoHandler, edge-triggered for input, and each readiness event reads a batch on the loop
 * thread, so a received packet reaches the engine without changing threads. Edge-triggered epoll reports
 * readiness once per arrival: a batch that ends before EAGAIN continues as a task on the loop (other
 * channels get their turn in between) instead of waiting for an event that need not come. All state is
 * the loop thread's except {@link #stop}.
 */
final class EpollTunReader implements TunReader, EpollIoHandle {
    private static final Logger log = LoggerFactory.getLogger(EpollTunReader.class);
    private static final EpollIoOps READ_EDGE = EpollIoOps.EPOLLIN.with(EpollIoOps.EPOLLET);

    private final String device;
    private final IoEventLoop loop;
    private final TunBatchReader reader;
    /** A view of the device's descriptor for the IoHandler; never closed through it (the TunDevice owns it). */
    private final FileDescriptor fd;
    private final Runnable continueRead = this::continueRead;
    private IoRegistration registration;
    private boolean continueScheduled;
    private boolean stopped;
    private volatile Thread loopThread;

    private EpollTunReader(TunDevice tun, IoEventLoop loop, TunBatchReader reader) {
        this.device = tun.name();
        this.loop = loop;
        this.reader = reader;
        this.fd = new FileDescriptor(tun.fd());
    }

    /** Whether {@code loop} is an epoll loop this reader can register with. */
    static boolean fits(Object loop) {
        return loop instanceof IoEventLoop io && io.isCompatible(EpollTunReader.class);
    }

    /**
     * Registers the device with {@code loop} (queued when called from another thread) and starts reading
     * when it is readable. A registration the loop refuses is logged; the link then receives nothing.
     */
    static EpollTunReader start(TunDevice tun, IoEventLoop loop, TunBatchReader reader) {
        EpollTunReader r = new EpollTunReader(tun, loop, reader);
        loop.register(r).addListener(f -> {
            if (!f.isSuccess()) {
                log.error("tun link {}: epoll registration on {} failed", r.device, loop, f.cause());
                return;
            }
            r.registered((IoRegistration) f.getNow());
        });
        // A loop that shuts down before the link closes takes the registration with it and runs no stop task.
        loop.terminationFuture().addListener(f -> reader.release());
        return r;
    }

    private void registered(IoRegistration reg) {
        loopThread = Thread.currentThread();
        if (stopped) {
            reg.cancel();
            return;
        }
        registration = reg;
        reg.submit(READ_EDGE);
        readSome(); // packets that arrived before the registration raise no edge of their own
    }

    @Override
    public FileDescriptor fd() {
        return fd;
    }

    @Override
    public void handle(IoRegistration reg, IoEvent event) {
        EpollIoOps ops = ((EpollIoEvent) event).ops();
        if (ops.contains(EpollIoOps.EPOLLERR)) {
            log.error("tun link {}: epoll reports an error on the device; reading stops", device);
            stopOnLoop();
            return;
        }
        if (ops.contains(EpollIoOps.EPOLLIN) && !continueScheduled) {
            readSome();
        }
    }

    private void continueRead() {
        continueScheduled = false;
        readSome();
    }

    private void readSome() {
        if (stopped) {
            return;
        }
        try {
            if (!reader.readBatch()) {
                continueScheduled = true;
                loop.execute(continueRead);
            }
        } catch (TunException e) {
            log.error("tun link {} stopped reading: {}", device, e.getMessage());
            stopOnLoop();
        } catch (RejectedExecutionException e) {
            stopOnLoop(); // the loop is shutting down; its IoHandler closes the registration
        }
    }

    /** On the loop: deregisters (while the descriptor is still open) and frees the read buffer. */
    private void stopOnLoop() {
        if (stopped) {
            return;
        }
        stopped = true;
        if (registration != null) {
            registration.cancel(); // on the loop thread: epoll_ctl(DEL) happens now
        }
        reader.release();
    }

    /** The loop's IoHandler closes its registrations when the loop shuts down. */
    @Override
    public void close() {
        stopOnLoop();
    }

    @Override
    public Thread thread() {
        return loopThread;
    }

    @Override
    public boolean onEventLoop() {
        return true;
    }

    @Override
    public void stop() {
        if (loop.inEventLoop()) {
            stopOnLoop();
            return;
        }
        try {
            if (!loop.submit(this::stopOnLoop).await(5, TimeUnit.SECONDS)) {
                log.warn("tun link {}: loop {} did not deregister the device within 5 s", device, loop);
            }
        } catch (RejectedExecutionException e) {
            // the loop has terminated: its epoll instance, and with it the registration, is gone
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
