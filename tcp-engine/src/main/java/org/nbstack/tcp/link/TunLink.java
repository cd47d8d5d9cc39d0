package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoEventLoop;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.nbstack.spi.link.LinkCounters;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tun} PacketLink: a {@link TunDevice}. Sends write straight to the non-blocking descriptor
 * on the caller's thread (each write(2) is one packet, so concurrent senders need no lock; a full
 * device queue drops the packet and counts it). Reads run on one of the engine's event loops when they
 * are epoll loops ({@link EpollTunReader}: the descriptor registered with Netty's epoll IoHandler), so a
 * received packet reaches the engine on the loop that read it; on other loops a thread of the link's own
 * sleeps in {@link FdPoller} instead ({@link ThreadTunReader}).
 */
public final class TunLink implements PacketLink {
    private static final Logger log = LoggerFactory.getLogger(TunLink.class);

    private final URI uri;
    private final TunDevice tun;
    private final int mtu;
    private final LinkCounters counters = new LinkCounters();
    private final LongAdder checksumDrops = new LongAdder();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final TunReader reader;

    /** Reads on {@code loops.next()} if it is an epoll loop, else on a reader thread of the link's own. */
    TunLink(URI uri, TunDevice tun, int mtu, PacketReceiver receiver, ByteBufAllocator allocator, EventLoopGroup loops)
            throws TunException {
        this.uri = uri;
        this.tun = tun;
        this.mtu = mtu;
        TunBatchReader batches = new TunBatchReader(tun, mtu, allocator, receiver, counters, checksumDrops);
        EventLoop loop = loops.next();
        this.reader = EpollTunReader.fits(loop) ? EpollTunReader.start(tun, (IoEventLoop) loop, batches)
                : new ThreadTunReader(tun, batches);
        log.debug("tun link {} reads {}", tun.name(), reader.onEventLoop() ? "on epoll loop " + loop
                : "on its own thread (" + loop + " is not an epoll loop)");
    }

    /** The device's name (the kernel's choice when the URI named none). */
    public String deviceName() {
        return tun.name();
    }

    /** Whether the device is read on one of the engine's epoll event loops (not on a thread of its own). */
    public boolean readsOnEventLoop() {
        return reader.onEventLoop();
    }

    /** The thread that reads the device: an engine loop's once registered, or the link's reader thread. */
    public Thread readerThread() {
        return reader.thread();
    }

    /**
     * With checksum offload ({@code offload=true}) the kernel vouches for the packets it made or verified, and the
     * link verifies the TCP checksum of any other segment itself, so what it delivers is intact; on send the kernel
     * finishes the checksum the engine left partial. Without offload the engine checks as on any wire.
     */
    @Override
    public boolean guaranteesIntegrity() {
        return tun.checksumOffload();
    }

    /** Whether the device carries virtio-net headers with TCP checksums left to the kernel ({@code offload=true}). */
    public boolean checksumOffload() {
        return tun.checksumOffload();
    }

    /** TCP segments the kernel did not vouch for whose checksum was wrong, dropped by the link (offload only). */
    public long checksumDrops() {
        return checksumDrops.sum();
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public void send(ByteBuf packet) {
        try {
            int length = packet.readableBytes();
            if (closed.get() || length > mtu || !tun.write(packet)) {
                counters.dropped();
            } else {
                counters.sent(length);
            }
        } catch (TunException e) {
            counters.dropped();
            log.warn("tun link {}: {}", tun.name(), e.getMessage());
        } finally {
            packet.release();
        }
    }

    @Override
    public LinkCounters counters() {
        return counters;
    }

    /** Stops reading (deregistering the descriptor from epoll while it is still open), then closes the device. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        reader.stop();
        tun.close();
    }

    @Override
    public String toString() {
        return uri + " (" + tun + ", " + counters + ")";
    }
}
