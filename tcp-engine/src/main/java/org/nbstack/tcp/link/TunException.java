package org.nbstack.tcp.link;

import java.io.IOException;

/** A failure of a native link call, carrying the errno (0 when no system call failed). */
public final class TunException extends IOException {
    private final int errno;

    public TunException(String message, int errno) {
        super(message);
        this.errno = errno;
    }

    public int errno() {
        return errno;
    }
}
