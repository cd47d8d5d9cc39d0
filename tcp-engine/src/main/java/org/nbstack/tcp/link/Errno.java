package org.nbstack.tcp.link;

/**
 * The errno values the links tell apart, as defined by Linux in asm-generic/errno-base.h and
 * asm-generic/errno.h (identical on x86_64 and aarch64), with their symbolic names for messages.
 */
public final class Errno {
    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int EBADF = 9;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOSPC = 28;
    public static final int ENOBUFS = 105;
    public static final int EMSGSIZE = 90;

    private Errno() {
    }

    /** "EPERM" for 1: the name a C programmer greps for; "errno 123" for values not listed here. */
    public static String name(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case EINTR -> "EINTR";
            case EIO -> "EIO";
            case ENXIO -> "ENXIO";
            case EBADF -> "EBADF";
            case EAGAIN -> "EAGAIN";
            case ENOMEM -> "ENOMEM";
            case EACCES -> "EACCES";
            case EFAULT -> "EFAULT";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENOSPC -> "ENOSPC";
            case EMSGSIZE -> "EMSGSIZE";
            case ENOBUFS -> "ENOBUFS";
            default -> "errno " + errno;
        };
    }

    /** "EPERM: Operation not permitted": the symbolic name and the C library's text. */
    public static String describe(int errno) {
        if (!NativePlatform.isSupported()) {
            return name(errno); // the C library is bound only where the links run
        }
        return name(errno) + ": " + Libc.strerror(errno);
    }
}
