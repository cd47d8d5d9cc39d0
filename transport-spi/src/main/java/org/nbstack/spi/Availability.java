package org.nbstack.spi;

import java.util.Objects;

/**
 * Whether a transport can run on this machine. An unavailable one carries a human reason, e.g. the
 * native library that failed to load.
 */
public record Availability(boolean isAvailable, String reason) {

    private static final Availability AVAILABLE = new Availability(true, "available");

    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    public static Availability available() {
        return AVAILABLE;
    }

    public static Availability unavailable(String reason) {
        return new Availability(false, reason);
    }

    /** Unavailable because of {@code cause}, with its class and message as the reason. */
    public static Availability unavailable(String what, Throwable cause) {
        if (cause == null) {
            return unavailable(what);
        }
        String detail = cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return unavailable(what + " (" + detail + ")");
    }
}
