package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandle;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandle;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.DatagramChannel;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.nbstack.spi.link.LinkCounters;
import org.nbstack.tcp.wire.Ipv4;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries the engine's IPv4 packets one per UDP datagram between engine instances, without privileges.
 * A static peer map says which UDP endpoint serves each engine IPv4 address; datagrams from anywhere
 * else, and datagrams that are not plausibly one IPv4/TCP packet, are dropped and counted by reason.
 *
 * <p>Runs on one Netty event loop, the thread that should also drive the engine stack: inbound packets
 * are handed to the consumer inside the channel's read, and {@link #send} (the stack's PacketOutput)
 * writes there too, so no packet changes threads. Linux epoll reads with recvmmsg (a batch of datagrams
 * per system call); writes are flushed once per loop iteration, which epoll turns into one sendmmsg.
 */
public final class UdpPacketLink implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UdpPacketLink.class);
    /** The largest UDP payload over IPv4: 65,535 less 20 bytes of IP and 8 of UDP header. */
    public static final int MAX_MTU = 65507;
    private static final int SOCKET_BUFFER = 8 << 20;
    /** Slots per recvmmsg with GRO on: 64 KiB each, so a read buffer stays within 1 MiB. */
    static final int GRO_BATCH = 16;

    /**
     * @param bind      the local UDP endpoint (port 0: any)
     * @param peers     engine IPv4 address to the UDP endpoint that serves it
     * @param mtu       the largest IP packet the link carries (the engine's MSS must fit: mtu - 40)
     * @param readBatch datagrams per recvmmsg call (epoll only)
     * @param offload   UDP GSO on send and GRO on receive where the kernel offers them (epoll only)
     */
    public record Config(InetSocketAddress bind, Map<Integer, InetSocketAddress> peers, int mtu, int readBatch,
            boolean offload) {
        /** With GSO/GRO where the kernel offers them. */
        public Config(InetSocketAddress bind, Map<Integer, InetSocketAddress> peers, int mtu, int readBatch) {
            this(bind, peers, mtu, readBatch, true);
        }

        public Config {
            peers = Map.copyOf(peers);
            if (mtu < 68 || mtu > MAX_MTU) {
                throw new IllegalArgumentException("udp link mtu " + mtu + " is out of range 68.." + MAX_MTU);
            }
            if (readBatch < 1) {
                throw new IllegalArgumentException("readBatch " + readBatch + " must be >= 1");
            }
        }
    }

    private final Config config;
    private final EventLoop loop;
    private final Channel channel;
    private final UdpLinkCounters counters;
    private final Map<Integer, InetSocketAddress> peers;
    private final Set<InetSocketAddress> knownSenders;
    private final Runnable flushTask;
    /** Null unless the link sends with UDP GSO. */
    private final GsoBatcher gso;
    private boolean flushScheduled;

    private UdpPacketLink(Config config, EventLoop loop, Channel channel, UdpLinkCounters counters,
            Map<Integer, InetSocketAddress> peers, Set<InetSocketAddress> knownSenders) {
        this.config = config;
        this.loop = loop;
        this.channel = channel;
        this.counters = counters;
        this.peers = peers;
        this.knownSenders = knownSenders;
        this.gso = offloads(channel, config) ? new GsoBatcher(channel, channel.alloc(), counters) : null;
        if (gso != null) {
            channel.closeFuture().addListener(f -> gso.discard()); // on the loop: a run never flushed is freed
        }
        this.flushTask = () -> {
            flushScheduled = false;
            if (gso != null) {
                gso.emit();
            }
            channel.flush();
        };
    }

    /** Whether the link uses UDP GSO/GRO: asked for, on an epoll channel, and offered by the kernel. */
    private static boolean offloads(Channel channel, Config config) {
        return config.offload() && channel instanceof EpollDatagramChannel
                && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
    }

    /** Whether Netty's native epoll transport (recvmmsg/sendmmsg) is available here. */
    public static boolean nativeAvailable() {
        return Epoll.isAvailable();
    }

    /** The I/O handler for the event loop group a udp link runs on: epoll when available, else NIO. */
    public static IoHandlerFactory ioHandlerFactory() {
        return nativeAvailable() ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    }

    /**
     * Binds the link on one event loop of {@code group} (made with {@link #ioHandlerFactory()});
     * {@code inbound} receives each accepted packet on that loop and owns it.
     */
    public static UdpPacketLink bind(EventLoopGroup group, Config config, ByteBufAllocator alloc,
            Consumer<ByteBuf> inbound) throws IOException {
        return start(group.next(), config, alloc, new UdpLinkCounters(new LinkCounters()), inbound);
    }

    /**
     * Opens the link on {@code loop} without blocking: the socket is bound at once (so bind errors surface
     * here and the local address is known), and its registration with the loop is queued ahead of any
     * {@link #send}. Safe to call on {@code loop} itself. On an epoll loop the link is Netty's native
     * datagram channel (recvmmsg/sendmmsg), on a NIO loop a NIO one; other loops are refused.
     */
    public static UdpPacketLink start(EventLoop loop, Config config, ByteBufAllocator alloc,
            UdpLinkCounters counters, Consumer<ByteBuf> inbound) throws IOException {
        boolean epoll = takes(loop, EpollIoHandle.class);
        if (!epoll && !takes(loop, NioIoHandle.class)) {
            throw new IllegalArgumentException("udp link needs an epoll or NIO event loop (e.g. the engine"
                    + " transport's own groups); " + loop + " is neither");
        }
        Map<Integer, InetSocketAddress> peers = new ConcurrentHashMap<>(config.peers());
        Set<InetSocketAddress> senders = ConcurrentHashMap.newKeySet();
        senders.addAll(config.peers().values());
        Channel ch = epoll ? epollChannel(config) : nioChannel(config);
        ch.config().setAllocator(alloc);
        ch.pipeline().addLast(new InboundHandler(inbound, counters, senders, offloads(ch, config)));
        loop.register(ch).addListener(f -> {
            if (!f.isSuccess()) {
                log.warn("udp link {}: registration failed", config.bind(), f.cause());
                ch.unsafe().closeForcibly();
            }
        });
        log.debug("udp link bound to {} ({} on {}, read batch {}), peers {}", ch.localAddress(),
                epoll ? "epoll" : "nio", loop, epoll ? config.readBatch() : 1, config.peers());
        return new UdpPacketLink(config, loop, ch, counters, peers, senders);
    }

    private static boolean takes(EventLoop loop, Class<? extends IoHandle> handle) {
        return loop instanceof IoEventLoop io && io.isCompatible(handle);
    }

    /**
     * Netty's epoll datagram channel on a socket bound here. Reads: recvmmsg of up to readBatch datagrams
     * into mtu-sized slices of one buffer (Netty hands each on as a retained slice). With UDP GRO (offload,
     * where the kernel has it) a read may be a coalesced run of datagrams, so every slot holds the largest
     * UDP payload (a read longer than its slot would be truncated) and a read takes at most
     * {@link #GRO_BATCH} of them; Netty splits a coalesced read into its datagrams by the segment size.
     */
    private static Channel epollChannel(Config config) throws IOException {
        Socket socket = Socket.newSocketDgram();
        try {
            socket.setReceiveBufferSize(SOCKET_BUFFER);
            socket.setSendBufferSize(SOCKET_BUFFER);
            socket.bind(config.bind());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        EpollDatagramChannel ch = new EpollDatagramChannel(socket.intValue()); // bound: active from the start
        if (offloads(ch, config)) {
            ch.config().setUdpGro(true).setMaxDatagramPayloadSize(MAX_MTU).setRecvByteBufAllocator(
                    new FixedRecvByteBufAllocator(MAX_MTU * Math.min(config.readBatch(), GRO_BATCH)));
        } else {
            ch.config().setMaxDatagramPayloadSize(config.mtu())
                    .setRecvByteBufAllocator(new FixedRecvByteBufAllocator(config.mtu() * config.readBatch()));
        }
        return ch;
    }

    private static Channel nioChannel(Config config) throws IOException {
        DatagramChannel socket = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            socket.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER);
            socket.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER);
            socket.bind(config.bind());
        } catch (IOException | RuntimeException e) {
            socket.close();
            throw e;
        }
        NioDatagramChannel ch = new NioDatagramChannel(socket);
        ch.config().setRecvByteBufAllocator(new FixedRecvByteBufAllocator(config.mtu()));
        return ch;
    }

    /** Adds or replaces the UDP endpoint serving {@code ipv4} (e.g. once a peer's ephemeral port is known). */
    public void addPeer(int ipv4, InetSocketAddress endpoint) {
        InetSocketAddress old = peers.put(ipv4, endpoint);
        if (old != null && !peers.containsValue(old)) {
            knownSenders.remove(old);
        }
        knownSenders.add(endpoint);
    }

    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** The loop the link, and the engine stack it serves, run on. */
    public EventLoop eventLoop() {
        return loop;
    }

    public boolean isNative() {
        return channel instanceof EpollDatagramChannel;
    }

    /** Whether the link sends with UDP GSO and receives with UDP GRO. */
    public boolean offloads() {
        return gso != null;
    }

    public UdpLinkCounters counters() {
        return counters;
    }

    public Config config() {
        return config;
    }

    /** Sends one IPv4 packet; ownership passes to the link. Meant to be called on {@link #eventLoop()}. */
    public void send(ByteBuf packet) {
        if (!loop.inEventLoop()) {
            try {
                loop.execute(() -> send(packet));
            } catch (RejectedExecutionException e) {
                counters.drop(UdpDropReason.CLOSED); // the loop is shutting down
                packet.release();
            }
            return;
        }
        if (!channel.isOpen()) {
            counters.drop(UdpDropReason.CLOSED);
            packet.release();
            return;
        }
        if (packet.readableBytes() > config.mtu()) {
            counters.drop(UdpDropReason.TOO_BIG);
            packet.release();
            return;
        }
        InetSocketAddress to = packet.readableBytes() >= 20 ? peers.get(Ipv4TcpCheck.destination(packet)) : null;
        if (to == null) {
            counters.drop(UdpDropReason.NO_ROUTE);
            if (log.isDebugEnabled() && packet.readableBytes() >= 20) {
                log.debug("udp link has no peer for {}", Ipv4.toString(Ipv4TcpCheck.destination(packet)));
            }
            packet.release();
            return;
        }
        counters.sent(packet.readableBytes());
        if (gso != null) {
            gso.add(packet, to);
        } else {
            channel.write(new DatagramPacket(packet, to), channel.voidPromise());
        }
        if (!flushScheduled) {
            flushScheduled = true; // one flush (one sendmmsg) for everything written this loop iteration
            loop.execute(flushTask);
        }
    }

    @Override
    public void close() {
        if (loop.inEventLoop()) {
            channel.close(); // must not wait on its own loop
        } else if (loop.isShuttingDown()) {
            // A dying loop runs no close task, and its epoll IoHandler was seen to leave this socket open (the
            // port stayed bound after the loop had terminated): once the loop is gone, close the socket here.
            loop.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
            closeSocketOfDeadLoop();
        } else {
            channel.close().syncUninterruptibly();
        }
    }

    private void closeSocketOfDeadLoop() {
        if (channel instanceof EpollDatagramChannel epoll && epoll.isOpen()) {
            try {
                epoll.fd().close();
            } catch (IOException e) {
                log.warn("udp link {}: closing the socket failed: {}", config.bind(), e.toString());
            }
        }
    }

    /**
     * Checks each datagram and passes the accepted ones on, still on the loop thread. With UDP GRO on, a
     * datagram may be a coalesced run of a peer's datagrams: Netty splits it only when it reads with
     * recvmsg, not with recvmmsg (its native recvmmsg asks for no control messages, so the GRO segment
     * size never arrives), so the run is split here, by each IPv4 packet's total length, which is the
     * datagram's own length on this link (GSO cuts at the packets' boundaries; only the last may be shorter).
     */
    private static final class InboundHandler extends SimpleChannelInboundHandler<DatagramPacket> {
        /** A packet is handed on in its read buffer only if it fills at least 1/HAND_OVER of it. */
        private static final int HAND_OVER = 4;
        private final Consumer<ByteBuf> inbound;
        private final UdpLinkCounters counters;
        private final Set<InetSocketAddress> knownSenders;
        private final boolean gro;

        InboundHandler(Consumer<ByteBuf> inbound, UdpLinkCounters counters, Set<InetSocketAddress> knownSenders,
                boolean gro) {
            super(false); // ownership of accepted packets passes on; dropped ones are released here
            this.inbound = inbound;
            this.counters = counters;
            this.knownSenders = knownSenders;
            this.gro = gro;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket dp) {
            ByteBuf content = dp.content();
            if (!knownSenders.contains(dp.sender())) {
                counters.received(content.readableBytes());
                counters.drop(UdpDropReason.UNKNOWN_SENDER);
                dp.release();
                return;
            }
            if (!gro) {
                accept(ctx, content);
                return;
            }
            try {
                while (content.isReadable()) {
                    int rest = content.readableBytes();
                    int first = rest >= Ipv4TcpCheck.MIN_PACKET && content.getUnsignedByte(content.readerIndex()) >>> 4 == 4
                            ? content.getUnsignedShort(content.readerIndex() + 2) : rest;
                    accept(ctx, content.readRetainedSlice(first >= Ipv4TcpCheck.MIN_PACKET && first < rest ? first : rest));
                }
            } finally {
                dp.release();
            }
        }

        /** One datagram's worth (one IPv4 packet if the peer is sane): checked, then handed on or dropped. */
        private void accept(ChannelHandlerContext ctx, ByteBuf packet) {
            counters.received(packet.readableBytes());
            UdpDropReason reason = Ipv4TcpCheck.check(packet);
            if (reason != null) {
                counters.drop(reason);
                packet.release();
                return;
            }
            inbound.accept(compact(ctx, packet));
        }

        /**
         * The engine may keep a packet a long time (unread data, out-of-order segments), and a packet read
         * with recvmmsg is a slice that keeps its whole read buffer (up to 1 MiB) alive: a packet that fills
         * less than a quarter of the buffer it was read into is copied to an exact-size one instead, so the
         * memory a kept packet holds is at most four times its size.
         */
        private static ByteBuf compact(ChannelHandlerContext ctx, ByteBuf packet) {
            ByteBuf readBuffer = packet;
            while (readBuffer.unwrap() != null) { // through slices and leak-detection wrappers to the read buffer
                readBuffer = readBuffer.unwrap();
            }
            int length = packet.readableBytes();
            if ((long) length * HAND_OVER >= readBuffer.capacity()) {
                return packet;
            }
            ByteBuf copy = ctx.alloc().directBuffer(length, length).writeBytes(packet, packet.readerIndex(), length);
            packet.release();
            return copy;
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush(); // answers produced while reading the batch leave together
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            log.warn("udp link {}: {}", ctx.channel().localAddress(), cause.toString());
        }
    }
}
