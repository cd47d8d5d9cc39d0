package org.nbstack.tcp.link;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * struct ifreq of linux/if.h on a 64-bit ABI: the interface name (IFNAMSIZ bytes, NUL-terminated) and
 * a 24-byte union of which the links use ifr_flags (short) and ifr_mtu (int), both at offset 16.
 */
final class Ifreq {
    /** linux/if.h IFNAMSIZ: name bytes including the terminating NUL. */
    static final int IFNAMSIZ = 16;
    static final long SIZE = 40;
    private static final long UNION_OFFSET = IFNAMSIZ;

    private Ifreq() {
    }

    /** A zeroed ifreq naming {@code name} (empty: let the kernel choose). */
    static MemorySegment allocate(Arena arena, String name) {
        byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
        if (bytes.length >= IFNAMSIZ) {
            throw new IllegalArgumentException("interface name '" + name + "' is longer than " + (IFNAMSIZ - 1)
                    + " characters (IFNAMSIZ)");
        }
        MemorySegment ifr = arena.allocate(SIZE, 8);
        ifr.fill((byte) 0);
        MemorySegment.copy(bytes, 0, ifr, ValueLayout.JAVA_BYTE, 0, bytes.length);
        return ifr;
    }

    static String name(MemorySegment ifr) {
        return ifr.asSlice(0, IFNAMSIZ).getString(0, StandardCharsets.US_ASCII);
    }

    static void setFlags(MemorySegment ifr, short flags) {
        ifr.set(ValueLayout.JAVA_SHORT, UNION_OFFSET, flags);
    }

    static short flags(MemorySegment ifr) {
        return ifr.get(ValueLayout.JAVA_SHORT, UNION_OFFSET);
    }

    static void setMtu(MemorySegment ifr, int mtu) {
        ifr.set(ValueLayout.JAVA_INT, UNION_OFFSET, mtu);
    }

    static int mtu(MemorySegment ifr) {
        return ifr.get(ValueLayout.JAVA_INT, UNION_OFFSET);
    }
}
