package org.nbstack.netbios.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.nbstack.spi.Transport;

/**
 * A blocking stream over a client channel of any {@link Transport}, so that tests written against sockets run
 * on the engine too. A client that reads ahead takes everything the channel receives (as a kernel keeps what
 * arrives before a reset readable). Otherwise AUTO_READ is off and the channel is read only while a reader waits
 * for bytes: a client that stops reading leaves received data in its transport and its TCP window closes.
 */
final class ChannelConnection implements ClientConnection {

    private static final Duration CONNECT_TIMEOUT = DEFAULT_READ_TIMEOUT; // a late SYN-ACK on a starved JVM is not a lost one
    private static final Object END_OF_STREAM = new Object();

    private final Channel channel;
    private final BlockingQueue<Object> received;
    private final InputStream in = new ReceivedBytes();
    private final OutputStream out = new ChannelWrites();
    private volatile long readTimeoutNanos = DEFAULT_READ_TIMEOUT.toNanos();

    private ChannelConnection(Channel channel, BlockingQueue<Object> received) {
        this.channel = channel;
        this.received = received;
    }

    static ChannelConnection connect(Transport transport, EventLoopGroup group, InetSocketAddress server, int receiveBuffer,
            boolean readAhead) throws IOException {
        return connect(transport, group, null, server, receiveBuffer, readAhead);
    }

    /** @param local the client's own address (port 0), or null for the transport's choice */
    static ChannelConnection connect(Transport transport, EventLoopGroup group, InetSocketAddress local, InetSocketAddress server,
            int receiveBuffer, boolean readAhead) throws IOException {
        BlockingQueue<Object> received = new LinkedBlockingQueue<>();
        Bootstrap bootstrap = new Bootstrap().group(group).channelFactory(transport.channelFactory())
                .option(ChannelOption.AUTO_READ, readAhead)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) CONNECT_TIMEOUT.toMillis())
                .handler(new Receiver(received));
        if (receiveBuffer > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        ChannelFuture connect = local == null ? bootstrap.connect(server) : bootstrap.connect(server, local);
        try {
            if (!connect.await(CONNECT_TIMEOUT.toMillis() + 1000)) {
                connect.channel().close();
                throw new SocketTimeoutException("connect to " + server + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            connect.channel().close();
            throw new InterruptedIOException("interrupted while connecting to " + server);
        }
        if (!connect.isSuccess()) {
            throw new IOException("connect to " + server + " failed: " + connect.cause(), connect.cause());
        }
        return new ChannelConnection(connect.channel(), received);
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() {
        return out;
    }

    @Override
    public void readTimeout(Duration timeout) {
        readTimeoutNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(1), timeout.toNanos());
    }

    @Override
    public void close() {
        channel.close().awaitUninterruptibly(CONNECT_TIMEOUT.toMillis());
    }

    /** Copies what the channel reads into the queue (so no buffer outlives the read), then the end or the error. */
    private static final class Receiver extends ChannelInboundHandlerAdapter {
        private final BlockingQueue<Object> received;

        Receiver(BlockingQueue<Object> received) {
            this.received = received;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf buf = (ByteBuf) msg;
            try {
                byte[] bytes = new byte[buf.readableBytes()];
                buf.readBytes(bytes);
                received.add(bytes);
            } finally {
                buf.release();
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            received.add(END_OF_STREAM);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            received.add(cause);
            ctx.close();
        }
    }

    private final class ReceivedBytes extends InputStream {
        private byte[] current = new byte[0];
        private int position;
        private Object terminal;

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] target, int offset, int length) throws IOException {
            if (length == 0) {
                return 0;
            }
            if (position == current.length && !nextChunk()) {
                return -1;
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, target, offset, n);
            position += n;
            return n;
        }

        /**
         * Waits for the next chunk; false at the end of the stream. Asks the channel for one read only when
         * nothing is left: with AUTO_READ off that request stays pending until data, the end or an error comes
         * (with AUTO_READ on it changes nothing).
         */
        private boolean nextChunk() throws IOException {
            Object next = terminal != null ? terminal : received.poll();
            try {
                if (next == null) {
                    channel.read();
                    next = received.poll(readTimeoutNanos, TimeUnit.NANOSECONDS);
                }
                if (next == null) {
                    throw new SocketTimeoutException("read timed out");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while reading");
            }
            if (next instanceof byte[] bytes) {
                current = bytes;
                position = 0;
                return true;
            }
            terminal = next; // the end and an error stay what every later read sees
            if (next instanceof Throwable error) {
                throw new SocketException("connection failed: " + error.getMessage());
            }
            return false;
        }
    }

    private final class ChannelWrites extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        /**
         * Returns once the transport took the bytes, as a socket write does. Waits on a CompletableFuture completed by a
         * listener, not on the channel future: {@code ChannelFuture.await()} is a monitor wait, and waking hundreds of
         * (virtual) writer threads through monitors took a fifth of the clients' event loops in the 200-session test.
         */
        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            CompletableFuture<Void> written = new CompletableFuture<>();
            channel.writeAndFlush(Unpooled.copiedBuffer(bytes, offset, length)).addListener(f -> {
                if (f.isSuccess()) {
                    written.complete(null);
                } else {
                    written.completeExceptionally(f.cause());
                }
            });
            try {
                written.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while writing");
            } catch (ExecutionException e) {
                throw new SocketException("write failed: " + e.getCause());
            }
        }
    }
}
