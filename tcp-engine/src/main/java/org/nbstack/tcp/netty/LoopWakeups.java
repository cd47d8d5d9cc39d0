package org.nbstack.tcp.netty;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayList;

/**
 * Wake-ups of other loops that a thread owes for the packets it handed them during one piece of engine work (a
 * shard draining its inbound packets, running its timers, a channel's write), paid once per target loop when the
 * work ends rather than once per packet. The packets are in the target's queue at once; only the wake-up waits,
 * and never past the end of the work, so a lone packet is not delayed and no application code (which might block
 * its loop) runs while a wake-up is owed. Waking a loop (an eventfd write and its epoll return) cost more than the
 * packet itself in request/response. Bounded: at most one entry per shard of the engines in the JVM.
 */
final class LoopWakeups {
    private static final FastThreadLocal<LoopWakeups> OF_THREAD = new FastThreadLocal<>() {
        @Override
        protected LoopWakeups initialValue() {
            return new LoopWakeups();
        }
    };

    private final ArrayList<Shard> owed = new ArrayList<>(4);
    private int depth;

    private LoopWakeups() {
    }

    /** Starts a piece of engine work on this thread; pair with {@link #end}, in a finally block. */
    static LoopWakeups begin() {
        LoopWakeups batch = OF_THREAD.get();
        batch.depth++;
        return batch;
    }

    /** Ends the work: the outermost end wakes every loop that got packets during it, once each. */
    void end() {
        if (--depth == 0 && !owed.isEmpty()) {
            for (int i = 0; i < owed.size(); i++) {
                owed.get(i).wake();
            }
            owed.clear();
        }
    }

    /** Owes {@code shard} a wake-up if this thread is inside engine work (true), else false: wake it now. */
    static boolean owe(Shard shard) {
        LoopWakeups batch = OF_THREAD.getIfExists();
        if (batch == null || batch.depth == 0) {
            return false;
        }
        for (int i = 0; i < batch.owed.size(); i++) {
            if (batch.owed.get(i) == shard) {
                return true;
            }
        }
        batch.owed.add(shard);
        return true;
    }
}
