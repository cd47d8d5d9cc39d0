package org.nbstack.tcp.sim;

/**
 * The trace of the seed {@link SimSeeds} is running on this thread, if it traces. Worlds built inside a
 * scenario write to it without the scenario passing it along, so no test can forget to wire it.
 */
final class SimRunContext {
    private static final ThreadLocal<SimTrace> CURRENT = new ThreadLocal<>();

    private SimRunContext() {
    }

    static SimTrace currentTrace() {
        return CURRENT.get();
    }

    static void enter(SimTrace trace) {
        CURRENT.set(trace);
    }

    static void exit() {
        CURRENT.remove();
    }
}
