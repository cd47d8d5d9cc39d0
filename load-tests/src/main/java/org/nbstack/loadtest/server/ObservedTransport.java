package org.nbstack.loadtest.server;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.nbstack.spi.ForwardingTransport;
import org.nbstack.spi.Transport;

/**
 * A transport that remembers the threads of the event loops it makes, so that an in-JVM server's CPU time can be
 * told apart from the load generator's, which shares the JVM.
 */
final class ObservedTransport extends ForwardingTransport {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final Set<Long> threadIds = ConcurrentHashMap.newKeySet();

    ObservedTransport(Transport delegate) {
        super(delegate);
    }

    @Override
    public EventLoopGroup newEventLoopGroup(int threads) {
        EventLoopGroup group = super.newEventLoopGroup(threads);
        // Starting each loop now (they start lazily) is what lets us learn its thread.
        for (EventExecutor executor : group) {
            executor.submit(() -> threadIds.add(Thread.currentThread().threadId())).syncUninterruptibly();
        }
        return group;
    }

    /** CPU time of the event-loop threads so far (threads that ended are no longer counted). */
    long cpuNanos() {
        long total = 0;
        for (long id : threadIds) {
            long nanos = THREADS.getThreadCpuTime(id);
            if (nanos > 0) {
                total += nanos;
            }
        }
        return total;
    }
}
