package org.nbstack.tcp.interop;

import java.util.List;
import java.util.function.BooleanSupplier;

/** Checks that no connection on either side is left half-closed: FIN_WAIT_1/2, CLOSING or LAST_ACK. */
final class CloseStates {
    /** ss -tan's names for the states that must not linger. */
    private static final List<String> KERNEL_LINGERING = List.of("FIN-WAIT-1", "FIN-WAIT-2", "CLOSING", "LAST-ACK");
    /** The engine's netstat names for the same states. */
    private static final List<String> ENGINE_LINGERING = List.of("FIN_WAIT1", "FIN_WAIT2", "CLOSING", "LAST_ACK");

    private CloseStates() {
    }

    static boolean kernelClean(String ss) {
        return KERNEL_LINGERING.stream().noneMatch(ss::contains);
    }

    static boolean engineClean(String netstat) {
        return ENGINE_LINGERING.stream().noneMatch(netstat::contains);
    }

    /** Waits up to {@code millis} for both sides to be clean; returns whether they became so. */
    static boolean awaitClean(TunNetwork net, long millis) throws InterruptedException {
        return await(() -> kernelClean(net.kernelSockets()) && engineClean(net.engineSockets()), millis);
    }

    static boolean await(BooleanSupplier condition, long millis) throws InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(20);
        }
        return condition.getAsBoolean();
    }
}
