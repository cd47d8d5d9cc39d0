package org.nbstack.tcp.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.util.concurrent.Future;
import io.netty.util.internal.StringUtil;
import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.WritableByteChannel;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.ConnectionEvents;
import org.nbstack.tcp.core.ConnectionId;
import org.nbstack.tcp.core.TcpConnection;
import org.nbstack.tcp.core.TcpState;
import org.nbstack.tcp.stack.StackConnection;
import org.nbstack.tcp.wire.PayloadCopy;

/**
 * A Netty {@link SocketChannel} over one engine TCP connection. It runs on any event loop (it registers
 * no IoHandle); the connection lives in that loop's {@link Shard}. Events from the connection are queued
 * and delivered to the pipeline after the stack call returns, in batches: one read pass copies the
 * received segments into buffers from the channel's {@link RecvByteBufAllocator} (as a kernel socket
 * read does) and tells the connection they were consumed only then, so an application that stops
 * reading closes the TCP window. Writes go into the connection's send buffer as retained slices (no
 * copy) as far as SO_SNDBUF allows; the rest waits in Netty's outbound buffer, whose water marks drive
 * writability.
 */
public final class EngineSocketChannel extends AbstractChannel implements SocketChannel {
    /** Received slices at least this large go to the pipeline without a copy (see {@link #handOver}). */
    static final int HAND_OVER_MIN_BYTES = 4096;
    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);
    private static final String EXPECTED_TYPES = " (expected: " + StringUtil.simpleClassName(ByteBuf.class) + ", "
            + StringUtil.simpleClassName(FileRegion.class) + ')';

    private final Engine engine;
    private final EngineSocketChannelConfig config;
    private final ConnectionHandler handler = new ConnectionHandler();
    // Assigned from the superclass constructor (newUnsafe, unsafe()): no initializers, or they would be reset.
    private EngineUnsafe engineUnsafe;
    private Unsafe registrationRedirect;

    private Shard shard;
    private StackConnection connection;
    private int boundAddress;
    private int boundPort;
    private volatile boolean open = true;
    private volatile boolean active;
    private volatile boolean inputShutdown;
    private volatile boolean outputShutdown;

    private ChannelPromise connectPromise;
    private Future<?> connectTimeout;
    private SocketAddress requestedRemote;

    /** Received, in order, not yet read by the pipeline. Bounded by the receive window. */
    private final ArrayDeque<ByteBuf> received = new ArrayDeque<>();
    private boolean readRequested;
    private boolean established;
    private boolean peerFin;
    private boolean inputShutdownReadCompleteFired;
    private boolean writeBlocked;
    private CloseReason closeReason;
    private boolean closeReported;

    /** An unconnected channel on the default engine (127.0.0.1 on {@code mem://default}). */
    public EngineSocketChannel() {
        this(Engine.defaultEngine());
    }

    /** An unconnected channel on {@code engine}. */
    public EngineSocketChannel(Engine engine) {
        super(null);
        this.engine = engine;
        this.config = new EngineSocketChannelConfig(this, engine.defaultTcpConfig());
    }

    /** An accepted connection; it is registered on {@code shard}'s loop (see {@link RegistrationRedirect}). */
    EngineSocketChannel(EngineServerSocketChannel parent, Shard shard, StackConnection connection) {
        super(parent);
        this.engine = parent.engine();
        this.config = new EngineSocketChannelConfig(this, engine.defaultTcpConfig());
        this.shard = shard;
        this.connection = connection;
        this.active = true;
        this.established = true;
        connection.setHandler(handler);
    }

    public Engine engine() {
        return engine;
    }

    /** The engine connection, or null before connect; touch it only on the channel's event loop. */
    StackConnection stackConnection() {
        return connection;
    }

    // ------------------------------------------------------------------------------------------------
    // Channel surface

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public EngineSocketChannelConfig config() {
        return config;
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public boolean isActive() {
        return open && active;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    protected SocketAddress localAddress0() {
        StackConnection c = connection;
        if (c != null) {
            ConnectionId id = c.connection().id();
            return Addresses.of(id.localAddr(), id.localPort());
        }
        return boundPort != 0 ? Addresses.of(boundAddress, boundPort) : null;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        StackConnection c = connection;
        if (c == null || !established) {
            return null;
        }
        ConnectionId id = c.connection().id();
        return Addresses.of(id.remoteAddr(), id.remotePort());
    }

    @Override
    public Unsafe unsafe() {
        if (parent() == null) {
            return super.unsafe();
        }
        Unsafe u = registrationRedirect;
        if (u == null) {
            u = new RegistrationRedirect(super.unsafe(), () -> shard == null ? null : shard.loop);
            registrationRedirect = u;
        }
        return u;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        EngineUnsafe u = new EngineUnsafe();
        engineUnsafe = u;
        return u;
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return true; // no IoHandle: any event loop can run the channel
    }

    @Override
    public boolean isInputShutdown() {
        return inputShutdown || !isActive();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown || !isActive();
    }

    @Override
    public boolean isShutdown() {
        return inputShutdown && outputShutdown || !isActive();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            engineUnsafe.shutdownOutput(promise);
        } else {
            loop.execute(() -> engineUnsafe.shutdownOutput(promise));
        }
        return promise;
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            shutdownInput0(promise);
        } else {
            loop.execute(() -> shutdownInput0(promise));
        }
        return promise;
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture outputDone = shutdownOutput();
        if (outputDone.isDone()) {
            shutdownInputAfterOutput(outputDone, promise);
        } else {
            outputDone.addListener((ChannelFutureListener) f -> shutdownInputAfterOutput(f, promise));
        }
        return promise;
    }

    private void shutdownInputAfterOutput(ChannelFuture outputDone, ChannelPromise promise) {
        Throwable outputCause = outputDone.cause();
        shutdownInput().addListener((ChannelFutureListener) inputDone -> {
            Throwable inputCause = inputDone.cause();
            if (outputCause != null) {
                if (inputCause != null) {
                    outputCause.addSuppressed(inputCause);
                }
                promise.setFailure(outputCause);
            } else if (inputCause != null) {
                promise.setFailure(inputCause);
            } else {
                promise.setSuccess();
            }
        });
    }

    private void shutdownInput0(ChannelPromise promise) {
        if (!open) {
            promise.setFailure(new ClosedChannelException());
            return;
        }
        if (!active) {
            promise.setFailure(new NotYetConnectedException()); // as a kernel socket's shutdown(SHUT_RD)
            return;
        }
        if (!inputShutdown) {
            inputShutdown = true;
            discardReceived(); // like SHUT_RD on Linux: what arrives is acknowledged and thrown away
            if (shard != null) {
                shard.submit(handler);
            }
        }
        promise.setSuccess();
    }

    // ------------------------------------------------------------------------------------------------
    // AbstractChannel hooks

    @Override
    protected void doRegister(ChannelPromise promise) {
        if (shard == null) {
            shard = Shard.forRegistration(engine, eventLoop(), promise);
            if (shard == null) {
                return;
            }
        } else if (shard.loop != eventLoop()) {
            promise.setFailure(new IllegalStateException("accepted engine channel registered on " + eventLoop()
                    + " but its connection lives on " + shard.loop));
            return;
        }
        if (connection != null) {
            reconfigure();
            shard.submit(handler); // deliver what arrived before registration
        }
        EngineEventLoop.registered(this);
        promise.setSuccess();
    }

    @Override
    protected void doDeregister() {
        EngineEventLoop.deregistered(this);
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        InetSocketAddress local = Addresses.inet(localAddress);
        if (boundPort != 0 || connection != null) {
            throw new IllegalStateException("engine channel already bound to " + localAddress0());
        }
        int address = Addresses.ipv4(local);
        if (address != 0 && !engine.ownsAddress(address)) {
            throw new BindException("Cannot assign requested address: " + local + " is not an address of " + engine);
        }
        int port = local.getPort();
        if (port == 0) {
            port = engine.ports().claimEphemeral(shard);
            if (port < 0) {
                throw new BindException("no free port left on " + engine);
            }
        } else if (!engine.ports().claim(port, shard)) {
            throw new BindException("Address already in use: " + local);
        }
        boundAddress = address;
        boundPort = port;
    }

    /** Starts the handshake; its outcome arrives as events. */
    private void doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (connection != null) {
            throw new AlreadyConnectedException();
        }
        InetSocketAddress remote = Addresses.inet(remoteAddress);
        int remoteAddr;
        try {
            remoteAddr = Addresses.ipv4(remote);
        } catch (IllegalArgumentException e) {
            throw new ConnectException(e.getMessage());
        }
        if (localAddress != null) {
            doBind(localAddress);
        } else if (boundPort == 0) {
            doBind(new InetSocketAddress(0));
        }
        if (remoteAddr == 0) {
            // 0.0.0.0 means this host, as on Linux (ip_route_connect: the bound source, else loopback)
            remoteAddr = boundAddress != 0 ? boundAddress : engine.firstAddress();
        }
        shard.syncListeners(); // a loopback SYN is taken by this shard's own listeners, at once
        try {
            connection = shard.stack.connect(boundAddress, boundPort, remoteAddr, remote.getPort(),
                    engine.sharedTcpConfig(config.apply(engine.defaultTcpConfig())), handler);
        } catch (IllegalStateException | IllegalArgumentException e) {
            engine.ports().release(boundPort, shard);
            boundPort = 0;
            throw new ConnectException(e.getMessage());
        }
        shard.armTimer();
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected void doClose() throws Exception {
        open = false;
        active = false;
        ChannelPromise promise = connectPromise;
        if (promise != null) {
            connectPromise = null;
            promise.tryFailure(new ClosedChannelException());
        }
        if (connectTimeout != null) {
            connectTimeout.cancel(false);
            connectTimeout = null;
        }
        StackConnection c = connection;
        if (c == null) {
            if (boundPort != 0) {
                engine.ports().release(boundPort, shard);
            }
            return;
        }
        boolean abort = config.getSoLinger() == 0;
        Engine.runOn(shard.loop, () -> {
            received.forEach(ByteBuf::release);
            received.clear();
            if (c.state() != TcpState.CLOSED) {
                if (abort) {
                    c.abort(); // SO_LINGER 0: RST instead of FIN, as on Linux
                } else {
                    c.close();
                }
            }
            shard.armTimer();
        });
    }

    @Override
    protected void doShutdownOutput() throws Exception {
        if (!open) {
            throw new ClosedChannelException();
        }
        if (!active) {
            throw new NotYetConnectedException();
        }
        outputShutdown = true;
        StackConnection c = connection;
        if (c != null && c.state() != TcpState.CLOSED) {
            c.shutdownOutput();
            shard.armTimer();
        }
    }

    @Override
    protected void doBeginRead() {
        readRequested = true;
        if (!received.isEmpty() || peerFin || inputShutdown || closeReason != null) {
            shard.submit(handler);
        }
    }

    void autoReadCleared() {
        readRequested = false;
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf || msg instanceof FileRegion) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + StringUtil.simpleClassName(msg)
                + EXPECTED_TYPES);
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        shard.receiveArrived(); // a RST already here fails this write, as write(2) does after the kernel took it
        StackConnection c = connection;
        TcpConnection tcp = c.connection();
        if (tcp.state() == TcpState.CLOSED) {
            CloseReason reason = tcp.closeReason();
            throw reason == null || !reason.isError() ? new ClosedChannelException()
                    : CloseReasons.connectionFailure(reason);
        }
        int space = tcp.sendSpace();
        boolean wrote = false;
        Object msg;
        while ((msg = in.current()) != null) {
            if (msg instanceof ByteBuf buf) {
                int readable = buf.readableBytes();
                if (readable == 0) {
                    in.remove();
                    continue;
                }
                if (space <= 0) {
                    break;
                }
                int n = Math.min(space, readable);
                c.write(buf.retainedSlice(buf.readerIndex(), n));
                in.removeBytes(n);
                space -= n;
                wrote = true;
            } else {
                FileRegion region = (FileRegion) msg;
                if (region.transferred() >= region.count()) {
                    in.remove();
                    continue;
                }
                if (space <= 0) {
                    break;
                }
                long n = region.transferTo(new SendBufferWriter(c, space, config.getAllocator()),
                        region.transferred());
                if (n > 0) {
                    in.progress(n);
                    space -= (int) n;
                    wrote = true;
                }
                if (region.transferred() >= region.count()) {
                    in.remove();
                } else if (n <= 0) {
                    break;
                }
            }
        }
        // Before flushing: over loopback the flush may be acknowledged (onSendSpace) before it returns.
        writeBlocked = !in.isEmpty();
        if (wrote) {
            // Only around the flush: write promises completed above run listeners, which may block this loop.
            LoopWakeups wakeups = LoopWakeups.begin(); // the segments one flush sends wake the peer's loop once
            try {
                c.flush();
            } finally {
                wakeups.end();
            }
            shard.armTimer();
        }
    }

    /** Copies a FileRegion's bytes into the send buffer, no more than the space it has. */
    private static final class SendBufferWriter implements WritableByteChannel {
        private final StackConnection connection;
        private final ByteBufAllocator allocator;
        private int room;

        SendBufferWriter(StackConnection connection, int room, ByteBufAllocator allocator) {
            this.connection = connection;
            this.room = room;
            this.allocator = allocator;
        }

        @Override
        public int write(ByteBuffer src) {
            int n = Math.min(room, src.remaining());
            if (n <= 0) {
                return 0;
            }
            ByteBuf copy = allocator.directBuffer(n);
            ByteBuffer part = src.duplicate();
            part.limit(part.position() + n);
            copy.writeBytes(part);
            src.position(src.position() + n);
            connection.write(copy);
            room -= n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Options

    void tcpOptionsChanged() {
        Shard s = shard;
        if (connection != null && s != null && isRegistered()) {
            Engine.runOn(s.loop, this::reconfigure);
        }
    }

    private void reconfigure() {
        StackConnection c = connection;
        if (c != null && c.state() != TcpState.CLOSED) {
            c.reconfigure(engine.sharedTcpConfig(config.apply(c.connection().config())));
            shard.armTimer();
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Events from the connection, delivered after the stack call that produced them

    private void processEvents() {
        if (!isRegistered()) {
            return; // an accepted channel before registration: doRegister resubmits
        }
        if (!open) {
            discardReceived();
            return;
        }
        if (connectPromise != null) {
            if (established) {
                engineUnsafe.finishConnect();
            } else if (closeReason != null) {
                engineUnsafe.failConnect(CloseReasons.connectFailure(closeReason, requestedRemote));
                return;
            } else {
                return;
            }
        }
        if (!isActive()) {
            return;
        }
        if (inputShutdown && !received.isEmpty()) {
            discardReceived();
        }
        if (readRequested) {
            readPass();
        }
        if (writeBlocked && isOpen()) {
            writeBlocked = false;
            engineUnsafe.flushNow();
        }
        if (closeReason != null && !closeReported && isOpen()) {
            closeReported = true;
            connectionClosed(closeReason);
        }
    }

    /** The connection reached CLOSED while the channel is open. */
    private void connectionClosed(CloseReason reason) {
        if (!reason.isError()) {
            return; // both FINs exchanged: EOF was (or will be) read; the application closes the channel
        }
        IOException error = CloseReasons.connectionFailure(reason);
        pipeline().fireExceptionCaught(error);
        engineUnsafe.closeWithError(error);
    }

    /** One read pass, like NIO's {@code NioByteUnsafe.read()}, with received segments in place of the socket. */
    @SuppressWarnings("deprecation") // RecvByteBufAllocator.Handle: what Netty 4.2's own channels still read with
    private void readPass() {
        boolean eof = peerFin || inputShutdown;
        if (received.isEmpty() && !eof) {
            return;
        }
        if (inputShutdown && inputShutdownReadCompleteFired) {
            return; // everything about input was told
        }
        ChannelPipeline pipeline = pipeline();
        RecvByteBufAllocator.Handle handle = engineUnsafe.recvBufAllocHandle();
        handle.reset(config);
        ByteBufAllocator allocator = config.getAllocator();
        int consumed = 0;
        boolean close = false;
        try {
            do {
                if (received.isEmpty()) {
                    close = eof;
                    break;
                }
                ByteBuf buf;
                int n;
                if (handOver(received.peek())) {
                    buf = received.poll(); // a received slice, handed over without a copy
                    n = buf.readableBytes();
                    handle.attemptedBytesRead(n);
                } else {
                    buf = handle.allocate(allocator);
                    handle.attemptedBytesRead(buf.writableBytes());
                    n = fill(buf);
                }
                handle.lastBytesRead(n);
                handle.incMessagesRead(1);
                readRequested = false;
                consumed += n;
                // The bytes are the application's now, as after recv(2): a close from inside this read must
                // not count them as unread data and turn into a reset (RFC 1122 4.2.2.13 applies to data not read).
                connection.consumed(n);
                pipeline.fireChannelRead(buf);
            } while (handle.continueReading() && isOpen());
            if (received.isEmpty() && eof) {
                close = true;
            }
        } finally {
            handle.readComplete();
            if (consumed > 0 && connection.state() != TcpState.CLOSED) {
                shard.armTimer(); // the window may have opened
            }
        }
        pipeline.fireChannelReadComplete();
        if (close && isOpen()) {
            inputClosed(pipeline);
        }
    }

    /**
     * Whether a received slice goes to the pipeline as it is rather than copied: it is large, and fills at least a
     * quarter of the buffer it keeps alive (the links' rule), so the application never pins a large packet buffer
     * for a few bytes. It is in-order data the connection already acknowledged or will, never retransmitted to us
     * from it, so what the application does with the bytes cannot reach the stream.
     */
    private static boolean handOver(ByteBuf head) {
        int n = head.readableBytes();
        if (n < HAND_OVER_MIN_BYTES) {
            return false;
        }
        ByteBuf whole = head.unwrap();
        return whole == null || n >= whole.capacity() / 4;
    }

    /** Moves received bytes into {@code buf} until it is full or nothing is left; returns the count. */
    private int fill(ByteBuf buf) {
        int n = 0;
        ByteBuf head;
        while (buf.isWritable() && (head = received.peek()) != null) {
            if (n > 0 && handOver(head)) {
                break; // the next read hands it over whole, rather than copying it split across two buffers
            }
            int chunk = Math.min(head.readableBytes(), buf.writableBytes());
            PayloadCopy.append(head, head.readerIndex(), chunk, buf);
            head.skipBytes(chunk);
            n += chunk;
            if (!head.isReadable()) {
                received.poll().release();
            }
        }
        return n;
    }

    /** The end of input was read: half-closure events as NIO and epoll fire them. */
    private void inputClosed(ChannelPipeline pipeline) {
        if (!inputShutdown) {
            if (config.isAllowHalfClosure()) {
                inputShutdown = true;
                pipeline.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
            } else {
                engineUnsafe.close(voidPromise());
            }
        } else if (!inputShutdownReadCompleteFired) {
            inputShutdownReadCompleteFired = true;
            pipeline.fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
        }
    }

    /** Throws away what was received and lets the window open, for input nobody will read. */
    private void discardReceived() {
        int n = 0;
        ByteBuf b;
        while ((b = received.poll()) != null) {
            n += b.readableBytes();
            b.release();
        }
        StackConnection c = connection;
        if (n > 0 && c != null && c.state() != TcpState.CLOSED && open) {
            c.consumed(n);
            shard.armTimer();
        }
    }

    /** The server closed before this accepted channel was read from its queue: reset the connection. */
    void abortUnaccepted() {
        open = false;
        Engine.runOn(shard.loop, () -> {
            received.forEach(ByteBuf::release);
            received.clear();
            if (connection.state() != TcpState.CLOSED) {
                connection.abort();
                shard.armTimer();
            }
        });
    }

    /** Receives the connection's events on the shard's loop and queues the channel for processing. */
    private final class ConnectionHandler extends ShardWork implements ConnectionEvents {
        @Override
        public void onEstablished(TcpConnection c) {
            established = true;
            shard.submit(this);
        }

        @Override
        public void onData(TcpConnection c, ByteBuf data) {
            if (!open) {
                data.release();
                return;
            }
            received.add(data);
            shard.submit(this);
        }

        @Override
        public void onPeerFin(TcpConnection c) {
            peerFin = true;
            shard.submit(this);
        }

        @Override
        public void onSendSpace(TcpConnection c) {
            if (writeBlocked) {
                shard.submit(this);
            }
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            closeReason = reason;
            if (shard.isClosed()) {
                received.forEach(ByteBuf::release); // the loop is gone: nobody will read this
                received.clear();
            }
            if (boundPort != 0) {
                engine.ports().release(boundPort, shard); // the 4-tuple left TIME_WAIT (or never reached it)
            }
            shard.submit(this);
        }

        @Override
        void process() {
            processEvents();
        }

        @Override
        public String toString() {
            return EngineSocketChannel.this.toString();
        }
    }

    private final class EngineUnsafe extends AbstractUnsafe {
        @Override
        public void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            // Not made uncancellable: the handshake is non-blocking, so cancelling it closes the channel (as NIO).
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            try {
                if (connectPromise != null) {
                    throw new ConnectionPendingException();
                }
                doConnect(remoteAddress, localAddress);
                connectPromise = promise;
                requestedRemote = remoteAddress;
                int timeoutMillis = config.getConnectTimeoutMillis();
                if (timeoutMillis > 0) {
                    connectTimeout = eventLoop().schedule(() -> {
                        ChannelPromise p = connectPromise;
                        if (p != null && p.tryFailure(new ConnectTimeoutException("connection timed out after "
                                + timeoutMillis + " ms: " + remoteAddress))) {
                            connectPromise = null;
                            close(voidPromise());
                        }
                    }, timeoutMillis, TimeUnit.MILLISECONDS);
                }
                promise.addListener((ChannelFutureListener) f -> {
                    if (f.isCancelled()) {
                        if (connectTimeout != null) {
                            connectTimeout.cancel(false);
                        }
                        connectPromise = null;
                        close(voidPromise());
                    }
                });
                shard.submit(handler); // the handshake may already be over (loopback)
            } catch (Throwable t) {
                promise.tryFailure(annotateConnectException(t, remoteAddress));
                closeIfClosed();
            }
        }

        void finishConnect() {
            ChannelPromise promise = connectPromise;
            connectPromise = null;
            if (connectTimeout != null) {
                connectTimeout.cancel(false);
                connectTimeout = null;
            }
            boolean wasActive = isActive();
            active = true;
            boolean nowActive = isActive(); // before the promise: its listeners may close the channel
            boolean promiseSet = promise.trySuccess();
            if (!wasActive && nowActive) {
                pipeline().fireChannelActive();
            }
            if (!promiseSet) {
                close(voidPromise());
            }
        }

        void failConnect(IOException cause) {
            ChannelPromise promise = connectPromise;
            connectPromise = null;
            if (connectTimeout != null) {
                connectTimeout.cancel(false);
                connectTimeout = null;
            }
            promise.tryFailure(annotateConnectException(cause, requestedRemote));
            close(voidPromise());
        }

        /** Closes, failing pending writes with {@code error} (as a failed socket write would). */
        void closeWithError(IOException error) {
            ClosedChannelException closed = new ClosedChannelException();
            closed.initCause(error);
            close(voidPromise(), error, closed);
        }

        void flushNow() {
            super.flush0();
        }
    }
}
