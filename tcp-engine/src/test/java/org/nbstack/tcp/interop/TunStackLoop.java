package org.nbstack.tcp.interop;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Predicate;
import org.nbstack.tcp.link.FdPoller;
import org.nbstack.tcp.link.TunDevice;
import org.nbstack.tcp.link.TunException;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;

/**
 * A single-threaded driver for one engine stack on a TUN device, standing in for the Netty event
 * loop the transport will bring: one thread reads packets from the device into the stack, runs its
 * timers, writes what it sends, and runs tasks other threads hand it. It sleeps in poll(2) until a
 * packet, a timer deadline or a task is due, so an idle loop costs no CPU.
 *
 * <p>Tests may drop packets on the way out or in ({@link #dropOutbound}, {@link #dropInbound}) and
 * may impair both directions ({@link #impair}).
 */
final class TunStackLoop implements AutoCloseable {
    /** Packets shorter than this are copied out of the MTU-sized read buffer, which is then reused. */
    private static final int COPY_BELOW = 16 * 1024;
    private static final int READ_BATCH = 128;

    private final TunDevice tun;
    private final ByteBufAllocator alloc;
    private final int mtu;
    private final TcpStack stack;
    private final FdPoller poller;
    private final Thread thread;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private volatile boolean stopping;
    private volatile Throwable failure;
    private ByteBuf readBuffer;

    /** Read by the tests after {@link #call}; written only by the loop thread. */
    volatile Predicate<ByteBuf> dropOutbound = p -> false;
    volatile Predicate<ByteBuf> dropInbound = p -> false;
    volatile LinkImpairment impair;
    volatile long packetsIn;
    volatile long packetsOut;
    volatile long droppedOut;
    volatile long droppedIn;
    private final ArrayDeque<Delayed> delayedOut = new ArrayDeque<>();
    private final ArrayDeque<Delayed> delayedIn = new ArrayDeque<>();

    private record Delayed(long due, ByteBuf packet) {
    }

    TunStackLoop(TunDevice tun, int mtu, StackConfig config, ByteBufAllocator alloc) throws TunException {
        this.tun = tun;
        this.alloc = alloc;
        this.mtu = mtu;
        this.stack = new TcpStack(config, this::send, alloc, System::nanoTime);
        this.poller = new FdPoller(tun.fd());
        this.thread = Thread.ofPlatform().name("tun-loop-" + tun.name()).daemon().unstarted(this::run);
        thread.start();
    }

    /** Runs {@code f} on the loop thread and returns its result. */
    <T> T call(Function<TcpStack, T> f) {
        CompletableFuture<T> result = new CompletableFuture<>();
        execute(() -> {
            try {
                result.complete(f.apply(stack));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("the loop did not run the call" + failureSuffix(), e);
        }
    }

    void execute(Runnable task) {
        if (failure != null) {
            throw new IllegalStateException("the loop failed" + failureSuffix());
        }
        tasks.add(task);
        poller.wakeup();
    }

    TcpStack stackUnsafe() {
        return stack;
    }

    private String failureSuffix() {
        return failure == null ? "" : ": " + failure;
    }

    Throwable failure() {
        return failure;
    }

    // --------------------------------------------------------------------------------------------
    // The loop thread

    private void run() {
        try {
            while (!stopping) {
                boolean busy = runTasks();
                stack.runTimers();
                busy |= releaseDelayed();
                busy |= readPackets();
                if (!busy && tasks.isEmpty()) {
                    poller.await(timeoutMillis());
                }
            }
        } catch (Throwable t) {
            failure = t;
        } finally {
            stack.close();
            releaseAll(delayedOut);
            releaseAll(delayedIn);
            if (readBuffer != null) {
                readBuffer.release();
            }
        }
    }

    private boolean runTasks() {
        boolean ran = false;
        Runnable r;
        while ((r = tasks.poll()) != null) {
            r.run();
            ran = true;
        }
        return ran;
    }

    private int timeoutMillis() {
        long deadline = Math.min(stack.nextDeadline(), nextDelayedDue());
        if (deadline == Long.MAX_VALUE) {
            return 1000;
        }
        long waitNanos = deadline - System.nanoTime();
        if (waitNanos <= 0) {
            return 0;
        }
        return (int) Math.min(1000, (waitNanos + 999_999) / 1_000_000);
    }

    private long nextDelayedDue() {
        long due = Long.MAX_VALUE;
        if (!delayedOut.isEmpty()) {
            due = delayedOut.peekFirst().due;
        }
        if (!delayedIn.isEmpty()) {
            due = Math.min(due, delayedIn.peekFirst().due);
        }
        return due;
    }

    private boolean readPackets() throws TunException {
        int n = 0;
        while (n < READ_BATCH) {
            if (readBuffer == null) {
                readBuffer = alloc.directBuffer(mtu, mtu);
            }
            int len = tun.read(readBuffer);
            if (len < 0) {
                break;
            }
            n++;
            ByteBuf packet;
            if (len < COPY_BELOW) {
                packet = alloc.directBuffer(len, len).writeBytes(readBuffer);
                readBuffer.clear();
            } else {
                packet = readBuffer;
                readBuffer = null;
            }
            packetsIn++;
            inbound(packet);
        }
        return n > 0;
    }

    private void inbound(ByteBuf packet) {
        if (dropInbound.test(packet)) {
            droppedIn++;
            packet.release();
            return;
        }
        LinkImpairment im = impair;
        if (im != null) {
            long delay = im.decide();
            if (delay < 0) {
                droppedIn++;
                packet.release();
                return;
            }
            if (delay > 0) {
                addSorted(delayedIn, new Delayed(System.nanoTime() + delay, packet));
                return;
            }
        }
        stack.receive(packet);
    }

    /** The stack's PacketOutput: runs on the loop thread, inside a stack call. */
    private void send(ByteBuf packet) {
        if (dropOutbound.test(packet)) {
            droppedOut++;
            packet.release();
            return;
        }
        LinkImpairment im = impair;
        if (im != null) {
            long delay = im.decide();
            if (delay < 0) {
                droppedOut++;
                packet.release();
                return;
            }
            if (delay > 0) {
                addSorted(delayedOut, new Delayed(System.nanoTime() + delay, packet));
                return;
            }
        }
        writeOut(packet);
    }

    private void writeOut(ByteBuf packet) {
        try {
            if (tun.write(packet)) {
                packetsOut++;
            } else {
                droppedOut++;
            }
        } catch (TunException e) {
            throw new IllegalStateException(e);
        } finally {
            packet.release();
        }
    }

    private static void addSorted(ArrayDeque<Delayed> queue, Delayed d) {
        // Delays are nearly constant, so the new entry belongs at or near the tail.
        if (queue.isEmpty() || queue.peekLast().due <= d.due) {
            queue.addLast(d);
            return;
        }
        ArrayDeque<Delayed> tail = new ArrayDeque<>();
        while (!queue.isEmpty() && queue.peekLast().due > d.due) {
            tail.addFirst(queue.pollLast());
        }
        queue.addLast(d);
        queue.addAll(tail);
    }

    private boolean releaseDelayed() {
        boolean any = false;
        long now = System.nanoTime();
        while (!delayedOut.isEmpty() && delayedOut.peekFirst().due <= now) {
            writeOut(delayedOut.pollFirst().packet);
            any = true;
        }
        while (!delayedIn.isEmpty() && delayedIn.peekFirst().due <= now) {
            stack.receive(delayedIn.pollFirst().packet);
            any = true;
        }
        return any;
    }

    private static void releaseAll(ArrayDeque<Delayed> queue) {
        Delayed d;
        while ((d = queue.poll()) != null) {
            d.packet.release();
        }
    }

    @Override
    public void close() {
        stopping = true;
        poller.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        poller.close();
    }
}
