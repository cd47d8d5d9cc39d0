package org.nbstack.tcp.link;

import java.util.Locale;

/**
 * Where the native links can run. The structure layouts and ioctl numbers they use are those of the
 * 64-bit Linux ABIs x86_64 and aarch64 (both use the asm-generic ioctl encoding and 40-byte ifreq).
 */
public final class NativePlatform {
    private NativePlatform() {
    }

    public static boolean isSupported() {
        return unsupportedReason() == null;
    }

    /** Null when supported; otherwise why not, for messages and test assumptions. */
    public static String unsupportedReason() {
        String os = System.getProperty("os.name", "?");
        String arch = System.getProperty("os.arch", "?").toLowerCase(Locale.ROOT);
        if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
            return "the tun link needs Linux (x86_64 or aarch64); this is " + os + " on " + arch;
        }
        if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
            return "the tun link needs Linux on x86_64 or aarch64; this is Linux on " + arch;
        }
        return null;
    }

    static void requireSupported() throws TunException {
        String reason = unsupportedReason();
        if (reason != null) {
            throw new TunException(reason, 0);
        }
    }
}
