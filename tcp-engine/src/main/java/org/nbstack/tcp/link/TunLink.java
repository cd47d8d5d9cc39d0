package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.net.URI;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nbstack.spi.link.LinkCounters;
import org.nbstack.spi.link.PacketLink;
import org.nbstack.spi.link.PacketReceiver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tun} PacketLink: a {@link TunDevice}. Sends write straight to the non-blocking descriptor
 * on the caller's thread (each write(2) is one packet, so concurrent senders need no lock; a full
 * device queue drops the packet). Reads run on a thread of the link's own that sleeps in
 * {@link FdPoller}; the engine's receiver moves each packet onto the owning event loop.
 */
public final class TunLink implements PacketLink {
    private static final Logger log = LoggerFactory.getLogger(TunLink.class);
    /** Packets read per wakeup before the reader checks whether it should stop. */
    private static final int READ_BATCH = 64;

    private final URI uri;
    private final TunDevice tun;
    private final int mtu;
    private final PacketReceiver receiver;
    private final ByteBufAllocator allocator;
    private final FdPoller poller;
    private final LinkCounters counters = new LinkCounters();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread reader;

    TunLink(URI uri, TunDevice tun, int mtu, PacketReceiver receiver, ByteBufAllocator allocator)
            throws TunException {
        this.uri = uri;
        this.tun = tun;
        this.mtu = mtu;
        this.receiver = receiver;
        this.allocator = allocator;
        this.poller = new FdPoller(tun.fd());
        this.reader = Thread.ofPlatform().name("nbstack-tun-" + tun.name()).daemon().unstarted(this::readLoop);
        reader.start();
    }

    /** The device's name (the kernel's choice when the URI named none). */
    public String deviceName() {
        return tun.name();
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

    private void readLoop() {
        ByteBuf buffer = allocator.directBuffer(mtu, mtu);
        try {
            while (!closed.get()) {
                if (poller.await(1000)) {
                    readBatch(buffer);
                }
            }
        } catch (TunException e) {
            if (!closed.get()) {
                log.error("tun link {} stopped reading: {}", tun.name(), e.getMessage());
            }
        } finally {
            buffer.release();
        }
    }

    private void readBatch(ByteBuf buffer) throws TunException {
        for (int i = 0; i < READ_BATCH && !closed.get(); i++) {
            buffer.clear();
            int length = tun.read(buffer);
            if (length < 0) {
                return;
            }
            // An exact-size copy: the MTU-sized read buffer is reused, and the stack may keep the packet.
            ByteBuf packet = allocator.directBuffer(length, length).writeBytes(buffer);
            counters.received(length);
            receiver.receive(packet);
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        poller.wakeup();
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller.close();
        tun.close();
    }

    @Override
    public String toString() {
        return uri + " (" + tun + ", " + counters + ")";
    }
}
