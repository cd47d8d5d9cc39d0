package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.concurrent.atomic.LongAdder;
import org.nbstack.spi.link.LinkCounters;
import org.nbstack.spi.link.PacketReceiver;
import org.nbstack.tcp.wire.PacketCodec;

/**
 * Reads packets from a TUN device in bounded batches straight into direct buffers and hands each to
 * the receiver. A packet that fills at least a quarter of its MTU-sized buffer is handed over in that
 * buffer (no copy); a smaller one (an ACK) is copied into an exact-size buffer so the MTU-sized one is
 * reused, and a queued ACK never pins 64 KiB. For one reading thread at a time.
 *
 * <p>With checksum offload each read starts with the virtio-net header, which is stripped here. A packet the
 * kernel vouches for (NEEDS_CSUM: it made the packet and left the checksum partial; DATA_VALID: it verified it)
 * goes on as it is; the link guarantees integrity, so the engine does not check. Any other TCP segment (routed
 * from elsewhere, or crafted with a raw socket) has its TCP checksum verified here, and a bad one is dropped and
 * counted in {@link TunLink#checksumDrops()}.
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
    private final LongAdder checksumDrops;
    /** The virtio-net header before each packet: {@link TunDevice#VNET_HEADER_LENGTH} with offload, else 0. */
    private final int header;
    private ByteBuf buffer;

    TunBatchReader(TunDevice tun, int mtu, ByteBufAllocator allocator, PacketReceiver receiver, LinkCounters counters,
            LongAdder checksumDrops) {
        this.tun = tun;
        this.mtu = mtu;
        this.allocator = allocator;
        this.receiver = receiver;
        this.counters = counters;
        this.checksumDrops = checksumDrops;
        this.header = tun.checksumOffload() ? TunDevice.VNET_HEADER_LENGTH : 0;
    }

    /** Reads up to {@link #BATCH} packets; true when the device had no more waiting (EAGAIN). */
    boolean readBatch() throws TunException {
        for (int i = 0; i < BATCH; i++) {
            if (buffer == null) {
                buffer = allocator.directBuffer(mtu + header, mtu + header);
            }
            int length = tun.read(buffer);
            if (length < 0) {
                return true;
            }
            if (header > 0) {
                int flags = length >= header ? buffer.getUnsignedByte(buffer.readerIndex()) : 0;
                buffer.skipBytes(Math.min(header, length));
                length = buffer.readableBytes();
                if ((flags & (TunDevice.VIRTIO_NET_HDR_F_NEEDS_CSUM | TunDevice.VIRTIO_NET_HDR_F_DATA_VALID)) == 0
                        && !unvouchedSegmentVerifies(buffer)) {
                    checksumDrops.increment();
                    counters.dropped();
                    buffer.clear();
                    continue;
                }
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
     * False only for a well-formed IPv4 TCP segment (not a fragment) whose TCP checksum is wrong; anything malformed
     * goes on to the engine, whose IP layer drops it with its reason, and fragments are checked once reassembled.
     */
    private static boolean unvouchedSegmentVerifies(ByteBuf packet) {
        int at = packet.readerIndex();
        int length = packet.readableBytes();
        if (length < Ipv4TcpCheck.MIN_PACKET || packet.getUnsignedByte(at) >>> 4 != 4
                || packet.getUnsignedByte(at + 9) != PacketCodec.IP_PROTOCOL_TCP
                || (packet.getUnsignedShort(at + 6) & 0x3fff) != 0) {
            return true;
        }
        int ihl = (packet.getUnsignedByte(at) & 0xf) * 4;
        int total = packet.getUnsignedShort(at + 2);
        if (ihl < PacketCodec.IPV4_HEADER_LENGTH || total > length || total < ihl + PacketCodec.TCP_HEADER_LENGTH) {
            return true;
        }
        return PacketCodec.tcpChecksumVerifies(packet);
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
