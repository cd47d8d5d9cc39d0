package org.nbstack.loadtest.simulations;

import java.time.Duration;

/** The moment every session of a ramp is open and the constant load begins; users that are early wait for it. */
final class LoadStart {

    private volatile long atNanos;

    /** Sets the start to {@code ramp} from now; called when the simulation starts. */
    void startAfter(Duration ramp) {
        atNanos = System.nanoTime() + ramp.toNanos();
    }

    /** How long a user that is ready now still waits. */
    Duration remaining() {
        return Duration.ofNanos(Math.max(0, atNanos - System.nanoTime()));
    }
}
