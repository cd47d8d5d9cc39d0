package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import io.netty.buffer.Unpooled;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux TUN device opened through the FFM API: each read returns one IPv4 packet the kernel routed
 * to the device, each write hands one IPv4 packet to the kernel as if it had arrived on it. The
 * descriptor is non-blocking; {@link #fd()} is for an event loop (poll/epoll) to wait on.
 *
 * <p>Opened with IFF_TUN | IFF_NO_PI: plain IP packets with no 4-byte packet-information prefix. Without checksum
 * offload there is no virtio-net header either, and the kernel computes and checks full checksums itself. With it
 * ({@link #open(String, boolean)}), IFF_VNET_HDR and TUNSETOFFLOAD(TUN_F_CSUM): every packet read or written is
 * preceded by a {@value #VNET_HEADER_LENGTH}-octet struct virtio_net_hdr, through which the kernel says which
 * packets it vouches for and finishes the TCP checksums of the packets written. Needs CAP_NET_ADMIN.
 * Not thread-safe for concurrent reads or concurrent writes; one reader and one writer thread are fine.
 */
public final class TunDevice implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TunDevice.class);

    // linux/if_tun.h
    /** TUNSETIFF = _IOW('T', 202, int). */
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_VNET_HDR = 0x4000;
    /** TUNSETOFFLOAD = _IOW('T', 208, unsigned int). */
    static final long TUNSETOFFLOAD = 0x400454d0L;
    static final long TUN_F_CSUM = 0x01;
    /** struct virtio_net_hdr (linux/virtio_net.h): flags, gso_type, hdr_len, gso_size, csum_start, csum_offset. */
    public static final int VNET_HEADER_LENGTH = 10;
    /** The packet's checksum is partial: the sum from csum_start is still to be added and stored at csum_offset. */
    static final int VIRTIO_NET_HDR_F_NEEDS_CSUM = 1;
    /** The kernel (or the device before it) has verified the packet's checksums. */
    static final int VIRTIO_NET_HDR_F_DATA_VALID = 2;
    // linux/sockios.h
    static final long SIOCGIFMTU = 0x8921L;
    static final long SIOCSIFMTU = 0x8922L;
    /** The largest MTU a TUN device takes (the IPv4 total-length limit; tun's max_mtu is 65535). */
    public static final int MAX_MTU = 65535;
    /** The smallest MTU IPv4 allows (RFC 791: every host takes 68-byte datagrams). */
    public static final int MIN_MTU = 68;

    private static final String DEVICE_PATH = "/dev/net/tun";

    private final int fd;
    private final String name;
    private final boolean checksumOffload;
    /** Per writing thread: two struct iovec (header, packet) and the header they point to. */
    private final ThreadLocal<MemorySegment> vnetScratch = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(48, 8));
    private final AtomicBoolean closed = new AtomicBoolean();
    /** For packets that are neither direct nor backed by one array. */
    private final ByteBuffer writeScratch = ByteBuffer.allocateDirect(MAX_MTU);

    private TunDevice(int fd, String name, boolean checksumOffload) {
        this.fd = fd;
        this.name = name;
        this.checksumOffload = checksumOffload;
    }

    /**
     * Creates (or attaches to) the TUN device {@code requestedName}; an empty name lets the kernel pick
     * tunN. The device is removed again when the descriptor is closed.
     *
     * @throws TunException with a message saying what to do: missing /dev/net/tun, missing CAP_NET_ADMIN,
     *                      a name that is busy or taken by another kind of device, an unsupported platform
     */
    public static TunDevice open(String requestedName) throws TunException {
        return open(requestedName, false);
    }

    /**
     * As {@link #open(String)}; with {@code checksumOffload}, the device carries a virtio-net header per packet and
     * the kernel leaves TCP checksums to it (TUN_F_CSUM): see {@link #read} and {@link #write}.
     */
    public static TunDevice open(String requestedName, boolean checksumOffload) throws TunException {
        NativePlatform.requireSupported();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = Ifreq.allocate(arena, requestedName);
            int fd = Libc.open(arena.allocateFrom(DEVICE_PATH), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw openFailure(Libc.errno());
            }
            Ifreq.setFlags(ifr, (short) (IFF_TUN | IFF_NO_PI | (checksumOffload ? IFF_VNET_HDR : 0)));
            if (Libc.ioctl(fd, TUNSETIFF, ifr) < 0) {
                int errno = Libc.errno();
                Libc.close(fd);
                throw setIffFailure(requestedName, errno);
            }
            String name = Ifreq.name(ifr);
            if (checksumOffload && Libc.ioctl(fd, TUNSETOFFLOAD, TUN_F_CSUM) < 0) {
                int errno = Libc.errno();
                Libc.close(fd);
                throw new TunException("TUNSETOFFLOAD(TUN_F_CSUM) on " + name + " failed; open the link without"
                        + " offload=true (" + Errno.describe(errno) + ")", errno);
            }
            log.debug("opened TUN device {} (fd {}{})", name, fd, checksumOffload ? ", checksum offload" : "");
            return new TunDevice(fd, name, checksumOffload);
        }
    }

    static TunException openFailure(int errno) {
        String what = switch (errno) {
            case Errno.ENOENT, Errno.ENODEV, Errno.ENXIO -> DEVICE_PATH + " is missing: load the tun module"
                    + " (modprobe tun) or create the node (mknod " + DEVICE_PATH + " c 10 200)";
            case Errno.EPERM, Errno.EACCES -> "cannot open " + DEVICE_PATH + ": the tun link needs CAP_NET_ADMIN"
                    + " (run as root, or grant the capability to the java binary); the udp link needs no privileges";
            default -> "cannot open " + DEVICE_PATH;
        };
        return new TunException(what + " (" + Errno.describe(errno) + ")", errno);
    }

    static TunException setIffFailure(String name, int errno) {
        String device = name.isEmpty() ? "a TUN device" : "TUN device '" + name + "'";
        String what = switch (errno) {
            case Errno.EPERM, Errno.EACCES -> "creating " + device + " needs CAP_NET_ADMIN (run as root, or grant"
                    + " the capability to the java binary); the udp link needs no privileges";
            case Errno.EBUSY -> device + " is busy: another process has it open (a TUN device takes one"
                    + " descriptor unless it is multi-queue); choose another name";
            case Errno.EINVAL -> device + " cannot be created: an interface of another kind already has that"
                    + " name, or the name is invalid";
            default -> "TUNSETIFF for " + device + " failed";
        };
        return new TunException(what + " (" + Errno.describe(errno) + ")", errno);
    }

    public String name() {
        return name;
    }

    /** Whether packets carry a virtio-net header and TCP checksums are left to the kernel ({@link #open(String, boolean)}). */
    public boolean checksumOffload() {
        return checksumOffload;
    }

    /** The non-blocking descriptor, readable when a packet is waiting: for poll(2)/epoll registration. */
    public int fd() {
        return fd;
    }

    /**
     * Sets the device's MTU (SIOCSIFMTU on an AF_INET socket), in the network namespace of the calling
     * thread, so call it before moving the device into another namespace. The MTU stays with the device.
     */
    public void setMtu(int mtu) throws TunException {
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("mtu " + mtu + " is out of range " + MIN_MTU + ".." + MAX_MTU);
        }
        interfaceIoctl(SIOCSIFMTU, mtu, "set the MTU of " + name + " to " + mtu);
    }

    /** The device's MTU as the kernel sees it (only while the device is in the caller's namespace). */
    public int mtu() throws TunException {
        return interfaceIoctl(SIOCGIFMTU, 0, "read the MTU of " + name);
    }

    private int interfaceIoctl(long request, int mtu, String what) throws TunException {
        ensureOpen();
        int sock = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM | Libc.O_CLOEXEC, 0);
        if (sock < 0) {
            int errno = Libc.errno();
            throw new TunException("cannot " + what + ": socket(AF_INET) failed (" + Errno.describe(errno) + ")", errno);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = Ifreq.allocate(arena, name);
            Ifreq.setMtu(ifr, mtu);
            if (Libc.ioctl(sock, request, ifr) < 0) {
                int errno = Libc.errno();
                String hint = errno == Errno.ENODEV ? ": the device is not in this network namespace"
                        : errno == Errno.EPERM ? ": needs CAP_NET_ADMIN" : "";
                throw new TunException("cannot " + what + hint + " (" + Errno.describe(errno) + ")", errno);
            }
            return Ifreq.mtu(ifr);
        } finally {
            Libc.close(sock);
        }
    }

    /**
     * Reads one packet into {@code dst}'s writable bytes (which should hold the MTU, plus the virtio-net header with
     * checksum offload, which then comes first) and advances its writer index. Returns the length read, header
     * included, or -1 when no packet is waiting.
     */
    public int read(ByteBuf dst) throws TunException {
        ensureOpen();
        int space = dst.writableBytes();
        long n;
        if (dst.hasMemoryAddress()) {
            n = Libc.read(fd, MemorySegment.ofAddress(dst.memoryAddress() + dst.writerIndex()).reinterpret(space), space);
        } else if (dst.hasArray()) {
            n = Libc.read(fd, MemorySegment.ofArray(dst.array()).asSlice(dst.arrayOffset() + dst.writerIndex(), space),
                    space);
        } else {
            n = Libc.read(fd, MemorySegment.ofBuffer(dst.nioBuffer(dst.writerIndex(), space)), space);
        }
        if (n < 0) {
            int errno = Libc.errno();
            if (errno == Errno.EAGAIN || errno == Errno.EINTR) {
                return -1;
            }
            throw new TunException("read from TUN device " + name + " failed (" + Errno.describe(errno) + ")", errno);
        }
        dst.writerIndex(dst.writerIndex() + (int) n);
        return (int) n;
    }

    /**
     * Writes {@code packet}'s readable bytes as one packet; the caller keeps ownership. Returns false
     * when the kernel would block (the packet is dropped, as a full queue drops it).
     */
    public boolean write(ByteBuf packet) throws TunException {
        ensureOpen();
        int len = packet.readableBytes();
        long n;
        if (checksumOffload) {
            n = writeWithVnetHeader(packet, len);
        } else if (packet.hasMemoryAddress()) {
            n = Libc.write(fd, MemorySegment.ofAddress(packet.memoryAddress() + packet.readerIndex()).reinterpret(len), len);
        } else if (packet.hasArray()) {
            n = Libc.write(fd, MemorySegment.ofArray(packet.array()).asSlice(packet.arrayOffset() + packet.readerIndex(),
                    len), len);
        } else {
            if (len > writeScratch.capacity()) {
                throw new IllegalArgumentException("packet of " + len + " bytes exceeds the largest TUN MTU " + MAX_MTU);
            }
            writeScratch.clear();
            packet.getBytes(packet.readerIndex(), writeScratch.limit(len));
            n = Libc.write(fd, MemorySegment.ofBuffer(writeScratch.flip()), len);
        }
        if (n < 0) {
            int errno = Libc.errno();
            if (errno == Errno.EAGAIN || errno == Errno.EINTR || errno == Errno.ENOBUFS) {
                return false;
            }
            throw new TunException("write of " + len + " bytes to TUN device " + name + " failed ("
                    + Errno.describe(errno) + ")", errno);
        }
        return true;
    }

    /**
     * One writev(2) of the virtio-net header and the packet. A TCP segment (not a fragment) goes with NEEDS_CSUM: its
     * checksum field holds the pseudo-header sum (as the engine writes it on a link that guarantees integrity), and
     * the kernel adds the sum from the TCP header on, as for any CHECKSUM_PARTIAL packet. Anything else is complete.
     */
    private long writeWithVnetHeader(ByteBuf packet, int len) {
        ByteBuf direct = packet.hasMemoryAddress() ? packet : Unpooled.directBuffer(len).writeBytes(packet, packet.readerIndex(), len);
        try {
            MemorySegment scratch = vnetScratch.get();
            MemorySegment header = scratch.asSlice(32, 16);
            header.fill((byte) 0);
            int at = direct.readerIndex();
            if (len >= 40 && direct.getUnsignedByte(at) >>> 4 == 4 && direct.getUnsignedByte(at + 9) == 6
                    && (direct.getUnsignedShort(at + 6) & 0x3fff) == 0) {
                int ihl = (direct.getUnsignedByte(at) & 0xf) * 4;
                header.set(ValueLayout.JAVA_BYTE, 0, (byte) VIRTIO_NET_HDR_F_NEEDS_CSUM);
                header.set(ValueLayout.JAVA_SHORT_UNALIGNED, 6, (short) ihl); // csum_start, native order (legacy virtio)
                header.set(ValueLayout.JAVA_SHORT_UNALIGNED, 8, (short) 16); // csum_offset: the TCP checksum field
            }
            scratch.set(ValueLayout.JAVA_LONG, 0, header.address());
            scratch.set(ValueLayout.JAVA_LONG, 8, VNET_HEADER_LENGTH);
            scratch.set(ValueLayout.JAVA_LONG, 16, direct.memoryAddress() + at);
            scratch.set(ValueLayout.JAVA_LONG, 24, len);
            return Libc.writev(fd, scratch, 2);
        } finally {
            if (direct != packet) {
                direct.release();
            }
        }
    }

    private void ensureOpen() throws TunException {
        if (closed.get()) {
            throw new TunException("TUN device " + name + " is closed", Errno.EBADF);
        }
    }

    public boolean isOpen() {
        return !closed.get();
    }

    /** Closes the descriptor; the kernel removes the (non-persistent) device with it. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            Libc.close(fd);
            log.debug("closed TUN device {}", name);
        }
    }

    @Override
    public String toString() {
        return "tun " + name + " (fd " + fd + ")";
    }
}
