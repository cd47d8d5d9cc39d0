package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import org.nbstack.spi.link.LinkCounters;
import org.nbstack.spi.link.PacketReceiver;

/**
 * Reads packets from a TUN device in bounded batches straight into direct buffers and hands each to
 * the receiver. A packet that fills at least a quarter of its MTU-sized buffer is handed over in that
 * buffer (no copy); a smaller one (an ACK) is copied into an exact-size buffer so the MTU-sized one is
 * reused, and a queued ACK never pins 64 KiB. For one reading thread at a time.
 */
final class TunBatchReader {
    /** Packets one {@link #readBatch} reads at most before it yields its thread. */
    static final int BATCH = 64;
    /** Hand the read buffer over when the packet fills at least 1/HAND_OVER of it. */
    private static final int HAND_OVER = 4;

    private final TunDevice tun;
    private final int mtu;
    private final ByteBufAllocator allocator;
    private final PacketReceiver receiver;
    private final LinkCounters counters;
    private ByteBuf buffer;

    TunBatchReader(TunDevice tun, int mtu, ByteBufAllocator allocator, PacketReceiver receiver, LinkCounters counters) {
        this.tun = tun;
        this.mtu = mtu;
        this.allocator = allocator;
        this.receiver = receiver;
        this.counters = counters;
    }

    /** Reads up to {@link #BATCH} packets; true when the device had no more waiting (EAGAIN). */
    boolean readBatch() throws TunException {
        for (int i = 0; i < BATCH; i++) {
            if (buffer == null) {
                buffer = allocator.directBuffer(mtu, mtu);
            }
            int length = tun.read(buffer);
            if (length < 0) {
                return true;
            }
            counters.received(length);
            ByteBuf packet;
            if (length * HAND_OVER >= mtu) {
                packet = buffer;
                buffer = null;
            } else {
                packet = allocator.directBuffer(length, length).writeBytes(buffer);
                buffer.clear();
            }
            receiver.receive(packet);
        }
        return false;
    }

    /**
     * Frees the read buffer; call once reading has stopped. Synchronized: the stop on the loop and the
     * loop's termination may both call it, from different threads.
     */
    synchronized void release() {
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }
}
