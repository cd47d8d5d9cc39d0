package org.nbstack.netbios.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.nbstack.netbios.testing.HalfOpenConnections.Kind;
import org.nbstack.netbios.testing.HalfOpenConnections.Outcome;
import org.nbstack.spi.Transport;

/**
 * The half-open flood of {@link HalfOpenConnections} over channels of any {@link Transport} (the clients' engine on
 * {@code engine}): the same kinds, spread over the same opening time by one thread of its own, and the same
 * outcomes, noted by each channel's handler when the server closes (end of stream or reset).
 */
final class HalfOpenChannels implements HalfOpenFlood {

    private final AtomicReferenceArray<Outcome> outcomes;
    private final CountDownLatch ended;
    private final List<Channel> channels = new CopyOnWriteArrayList<>();
    private final Thread opener;
    private volatile boolean running = true;

    private HalfOpenChannels(Transport transport, EventLoopGroup group, InetSocketAddress server, int count, Duration openingTime) {
        this.outcomes = new AtomicReferenceArray<>(count);
        this.ended = new CountDownLatch(count);
        Bootstrap bootstrap = new Bootstrap().group(group).channelFactory(transport.channelFactory())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) ClientConnection.DEFAULT_READ_TIMEOUT.toMillis());
        this.opener = Thread.ofPlatform().daemon().name("half-open-flood").start(() -> open(bootstrap, server, count, openingTime));
    }

    static HalfOpenChannels open(Transport transport, EventLoopGroup group, InetSocketAddress server, int count, Duration openingTime) {
        return new HalfOpenChannels(transport, group, server, count, openingTime);
    }

    private void open(Bootstrap bootstrap, InetSocketAddress server, int count, Duration openingTime) {
        long start = System.nanoTime();
        for (int opened = 0; opened < count && running; ) {
            // How many should be open by now, so that the last opens when the opening time is over.
            long due = openingTime.isZero() ? count : Math.min(count, (System.nanoTime() - start) * count / openingTime.toNanos() + 1);
            for (; opened < due; opened++) {
                int index = opened;
                outcomes.set(index, new Outcome(Kind.of(index), System.nanoTime(), 0, 0, "connecting"));
                Bootstrap one = bootstrap.clone().handler(new Watcher(index));
                one.connect(server).addListener(f -> {
                    if (!f.isSuccess()) {
                        end(index, "connect failed: " + f.cause());
                    }
                });
            }
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Notes when its channel connected, sends the kind's octets, and notes how and when the server ended it. */
    private final class Watcher extends ChannelInboundHandlerAdapter {
        private final int index;

        Watcher(int index) {
            this.index = index;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            channels.add(ctx.channel());
            Outcome connecting = outcomes.get(index);
            outcomes.set(index, new Outcome(connecting.kind(), connecting.connectStartNanos(), System.nanoTime(), 0, "open"));
            byte[] sends = connecting.kind().sends();
            if (sends.length > 0) {
                ctx.writeAndFlush(Unpooled.wrappedBuffer(sends));
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                end(index, "answered: " + ByteBufUtil.hexDump(buf));
            } finally {
                buf.release();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            end(index, "reset");
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            end(index, "eof");
        }
    }

    /** Records the first way the connection ended; later events (the close after a reset) change nothing. */
    private void end(int index, String how) {
        while (true) {
            Outcome outcome = outcomes.get(index);
            if (outcome.closedNanos() != 0) {
                return;
            }
            Outcome ended = new Outcome(outcome.kind(), outcome.connectStartNanos(), outcome.connectedNanos(), System.nanoTime(), how);
            if (outcomes.compareAndSet(index, outcome, ended)) {
                this.ended.countDown();
                return;
            }
        }
    }

    @Override
    public boolean awaitAllEnded(Duration within) throws InterruptedException {
        return ended.await(within.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public List<Outcome> outcomes() {
        List<Outcome> all = new ArrayList<>(outcomes.length());
        for (int i = 0; i < outcomes.length(); i++) {
            all.add(outcomes.get(i));
        }
        return all;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        opener.interrupt();
        opener.join(TimeUnit.SECONDS.toMillis(5));
        for (Channel channel : channels) {
            channel.close().awaitUninterruptibly(1000);
        }
    }
}
