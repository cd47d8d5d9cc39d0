package org.nbstack.tcp.link;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Waits, with poll(2), until one descriptor is readable, a timeout passes, or another thread calls
 * {@link #wakeup()} (an eventfd). A minimal event loop for a link until it is registered with Netty's
 * epoll loop instead. {@link #await} is for the one polling thread; {@link #wakeup} for any thread.
 */
public final class FdPoller implements AutoCloseable {
    /** struct pollfd: int fd; short events; short revents. */
    private static final long POLLFD_SIZE = 8;
    private static final long EVENTS_OFFSET = 4;
    private static final long REVENTS_OFFSET = 6;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment pollfds = arena.allocate(2 * POLLFD_SIZE, 8);
    private final MemorySegment counter = arena.allocate(ValueLayout.JAVA_LONG);
    private final int watchedFd;
    private final int wakeFd;

    public FdPoller(int readableFd) throws TunException {
        NativePlatform.requireSupported();
        this.watchedFd = readableFd;
        this.wakeFd = Libc.eventfd(0, Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC);
        if (wakeFd < 0) {
            int errno = Libc.errno();
            arena.close();
            throw new TunException("eventfd failed (" + Errno.describe(errno) + ")", errno);
        }
        pollfds.set(ValueLayout.JAVA_INT, 0, watchedFd);
        pollfds.set(ValueLayout.JAVA_SHORT, EVENTS_OFFSET, Libc.POLLIN);
        pollfds.set(ValueLayout.JAVA_INT, POLLFD_SIZE, wakeFd);
        pollfds.set(ValueLayout.JAVA_SHORT, POLLFD_SIZE + EVENTS_OFFSET, Libc.POLLIN);
    }

    /**
     * Blocks until the watched descriptor is readable (true), or the timeout passed or a wakeup came
     * (false). A negative timeout waits without limit.
     */
    public boolean await(int timeoutMillis) throws TunException {
        pollfds.set(ValueLayout.JAVA_SHORT, REVENTS_OFFSET, (short) 0);
        pollfds.set(ValueLayout.JAVA_SHORT, POLLFD_SIZE + REVENTS_OFFSET, (short) 0);
        int n = Libc.poll(pollfds, 2, timeoutMillis);
        if (n < 0) {
            int errno = Libc.errno();
            if (errno == Errno.EINTR) {
                return false;
            }
            throw new TunException("poll failed (" + Errno.describe(errno) + ")", errno);
        }
        if (pollfds.get(ValueLayout.JAVA_SHORT, POLLFD_SIZE + REVENTS_OFFSET) != 0) {
            Libc.read(wakeFd, counter, 8); // reset the eventfd counter
        }
        short revents = pollfds.get(ValueLayout.JAVA_SHORT, REVENTS_OFFSET);
        if ((revents & (Libc.POLLERR | Libc.POLLHUP)) != 0) {
            throw new TunException("descriptor " + watchedFd + " reports an error or hang-up (revents 0x"
                    + Integer.toHexString(revents & 0xffff) + ")", Errno.EIO);
        }
        return (revents & Libc.POLLIN) != 0;
    }

    /** Makes a current or the next {@link #await} return at once. */
    public void wakeup() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment one = a.allocate(ValueLayout.JAVA_LONG);
            one.set(ValueLayout.JAVA_LONG, 0, 1L);
            Libc.write(wakeFd, one, 8);
        }
    }

    @Override
    public void close() {
        Libc.close(wakeFd);
        arena.close();
    }
}
