package org.nbstack.tcp.interop;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.UdpPacketLink;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;

/**
 * One engine stack on a udp link, both driven by the link's own event loop (the thread model the
 * Netty transport will use): packets reach the stack inside the channel read, the stack's output is the
 * link, and its timers are scheduled on the same loop. Nothing crosses threads per packet.
 */
final class UdpStackNode implements AutoCloseable {
    private final EventLoopGroup group;
    final UdpPacketLink link;
    private TcpStack stack;
    private ScheduledFuture<?> timer;
    private long timerDeadline = Long.MAX_VALUE;

    UdpStackNode(int ipv4, TcpConfig tcp, int mtu, ByteBufAllocator alloc) throws java.io.IOException {
        group = new MultiThreadIoEventLoopGroup(1, UdpPacketLink.ioHandlerFactory());
        UdpPacketLink.Config config = new UdpPacketLink.Config(new InetSocketAddress("127.0.0.1", 0), Map.of(), mtu, 16);
        link = UdpPacketLink.bind(group, config, alloc, packet -> {
            stack.receive(packet);
            armTimer();
        });
        stack = new TcpStack(StackConfig.of(ipv4).withTcp(tcp), link::send, alloc, System::nanoTime);
    }

    /** Runs {@code f} on the loop and returns its result; re-arms the stack's timer afterwards. */
    <T> T call(Function<TcpStack, T> f) {
        CompletableFuture<T> result = new CompletableFuture<>();
        link.eventLoop().execute(() -> {
            try {
                result.complete(f.apply(stack));
                if (stack != null) {
                    armTimer();
                }
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Keeps one scheduled task at the stack's next deadline; an earlier deadline replaces it. */
    private void armTimer() {
        long deadline = stack.nextDeadline();
        if (deadline == Long.MAX_VALUE || deadline >= timerDeadline) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
        }
        timerDeadline = deadline;
        timer = link.eventLoop().schedule(() -> {
            timerDeadline = Long.MAX_VALUE;
            timer = null;
            stack.runTimers();
            armTimer();
        }, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    }

    InetSocketAddress udpAddress() {
        return link.localAddress();
    }

    @Override
    public void close() {
        try {
            call(s -> {
                s.close();
                return null;
            });
        } finally {
            link.close();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
