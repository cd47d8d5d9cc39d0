package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Linux TUN device opened through the FFM API: each read returns one IPv4 packet the kernel routed
 * to the device, each write hands one IPv4 packet to the kernel as if it had arrived on it. The
 * descriptor is non-blocking; {@link #fd()} is for an event loop (poll/epoll) to wait on.
 *
 * <p>Opened with IFF_TUN | IFF_NO_PI: plain IP packets with no 4-byte packet-information prefix and no
 * virtio-net header, so the kernel computes and checks full checksums itself. Needs CAP_NET_ADMIN.
 * Not thread-safe for concurrent reads or concurrent writes; one reader and one writer thread are fine.
 */
public final class TunDevice implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TunDevice.class);

    // linux/if_tun.h
    /** TUNSETIFF = _IOW('T', 202, int). */
    static final long TUNSETIFF = 0x400454caL;
    static final short IFF_TUN = 0x0001;
    static final short IFF_NO_PI = 0x1000;
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
    private final AtomicBoolean closed = new AtomicBoolean();
    /** For packets that are neither direct nor backed by one array. */
    private final ByteBuffer writeScratch = ByteBuffer.allocateDirect(MAX_MTU);

    private TunDevice(int fd, String name) {
        this.fd = fd;
        this.name = name;
    }

    /**
     * Creates (or attaches to) the TUN device {@code requestedName}; an empty name lets the kernel pick
     * tunN. The device is removed again when the descriptor is closed.
     *
     * @throws TunException with a message saying what to do: missing /dev/net/tun, missing CAP_NET_ADMIN,
     *                      a name that is busy or taken by another kind of device, an unsupported platform
     */
    public static TunDevice open(String requestedName) throws TunException {
        NativePlatform.requireSupported();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ifr = Ifreq.allocate(arena, requestedName);
            int fd = Libc.open(arena.allocateFrom(DEVICE_PATH), Libc.O_RDWR | Libc.O_NONBLOCK | Libc.O_CLOEXEC);
            if (fd < 0) {
                throw openFailure(Libc.errno());
            }
            Ifreq.setFlags(ifr, (short) (IFF_TUN | IFF_NO_PI));
            if (Libc.ioctl(fd, TUNSETIFF, ifr) < 0) {
                int errno = Libc.errno();
                Libc.close(fd);
                throw setIffFailure(requestedName, errno);
            }
            String name = Ifreq.name(ifr);
            log.debug("opened TUN device {} (fd {})", name, fd);
            return new TunDevice(fd, name);
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
     * Reads one packet into {@code dst}'s writable bytes (which should hold the MTU) and advances its
     * writer index. Returns the packet length, or -1 when no packet is waiting.
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
        if (packet.hasMemoryAddress()) {
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
