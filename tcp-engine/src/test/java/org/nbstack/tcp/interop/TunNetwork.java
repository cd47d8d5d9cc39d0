package org.nbstack.tcp.interop;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.List;
import java.util.function.Function;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.TunDevice;
import org.nbstack.tcp.link.TunException;
import org.nbstack.tcp.stack.Listener;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.StackConnection;
import org.nbstack.tcp.stack.TcpStack;
import org.nbstack.tcp.wire.Ipv4;

/**
 * One engine and the Linux kernel, joined by a TUN device: the engine's process holds the device's
 * descriptor, the device itself is moved into a fresh namespace where the kernel side has 10.77.0.1/24
 * and the engine answers for 10.77.0.2. Closing stops the engine, closes the device, deletes the
 * namespace and checks that every buffer the engine allocated was released.
 */
final class TunNetwork implements AutoCloseable {
    static final String KERNEL = "10.77.0.1";
    static final String ENGINE = "10.77.0.2";
    static final int KERNEL_ADDR = Ipv4.parse(KERNEL);
    static final int ENGINE_ADDR = Ipv4.parse(ENGINE);
    /** TCP's MSS for an MTU: the MTU less 20 bytes of IPv4 and 20 of TCP header. */
    static final int HEADERS = 40;

    /** Multi-GiB runs: no per-buffer leak tracking; {@link #close} checks the allocator's totals instead. */
    final UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, true);
    final Netns ns;
    final TunDevice tun;
    final TunStackLoop loop;
    final int mtu;

    private TunNetwork(Netns ns, TunDevice tun, int mtu, TcpConfig tcp) throws TunException {
        this.ns = ns;
        this.tun = tun;
        this.mtu = mtu;
        this.loop = new TunStackLoop(tun, mtu, StackConfig.of(ENGINE_ADDR).withTcp(tcp), alloc);
    }

    /** Skips the test unless TUN devices and namespaces can be made; otherwise builds the network. */
    static TunNetwork open(int mtu, TcpConfig tcp) throws TunException {
        Netns.assumeAvailable();
        TunDevice tun = TunDevice.open(Netns.uniqueName("nbt"));
        Netns ns = null;
        try {
            tun.setMtu(mtu);
            ns = Netns.create();
            Netns.run(List.of("ip", "link", "set", "dev", tun.name(), "netns", ns.name));
            ns.ip("addr", "add", KERNEL + "/24", "dev", tun.name());
            ns.ip("link", "set", "dev", tun.name(), "up");
            return new TunNetwork(ns, tun, mtu, tcp);
        } catch (RuntimeException | TunException e) {
            tun.close();
            if (ns != null) {
                ns.close();
            }
            throw e;
        }
    }

    /** Engine TCP settings for this MTU: MSS to match, buffers large enough for a fast local link, 2 s TIME_WAIT. */
    static TcpConfig tcpFor(int mtu) {
        return TcpConfig.builder().mss(mtu - HEADERS).receiveBuffer(4 << 20).sendBuffer(4 << 20)
                .timeWait(java.time.Duration.ofSeconds(2)).build(); // a short TIME_WAIT keeps the tests quick
    }

    <T> T call(Function<TcpStack, T> f) {
        return loop.call(f);
    }

    /** The engine listens on {@code port}; each accepted connection is handed to a new stream from {@code streams}. */
    Listener listen(int port, java.util.function.Supplier<EngineStream> streams, List<EngineStream> accepted) {
        return loop.call(stack -> stack.listen(ENGINE_ADDR, port, 16, l -> {
            StackConnection c;
            while ((c = l.poll()) != null) {
                EngineStream e = streams.get();
                e.attach(c);
                c.setHandler(e);
                synchronized (accepted) {
                    accepted.add(e);
                }
                e.pump();
            }
        }));
    }

    /** The engine connects to the kernel at {@code port}; {@code isn} forces the engine's ISN when not null. */
    EngineStream connect(int port, EngineStream e, TcpConfig tcp, Integer isn) {
        loop.call(stack -> {
            if (isn != null) {
                stack.forceNextInitialSequenceNumber(isn);
            }
            e.attach(stack.connect(ENGINE_ADDR, 0, KERNEL_ADDR, port, tcp, e));
            return null;
        });
        return e;
    }

    /** The kernel's sockets in the namespace, as {@code ss -tan} shows them. */
    String kernelSockets() {
        return ns.exec("ss", "-tan");
    }

    /** The engine's netstat. */
    String engineSockets() {
        return loop.call(stack -> {
            StringBuilder sb = new StringBuilder();
            stack.netstat().forEach(r -> sb.append(r.netstatLine()).append('\n'));
            return sb.toString();
        });
    }

    @Override
    public void close() {
        try {
            loop.close();
        } finally {
            tun.close();
            ns.close();
        }
        long direct = alloc.metric().usedDirectMemory();
        long heap = alloc.metric().usedHeapMemory();
        if (loop.failure() != null) {
            throw new AssertionError("the engine's loop failed", loop.failure());
        }
        if (direct != 0 || heap != 0) {
            throw new AssertionError("leaked buffers: " + direct + " direct and " + heap + " heap bytes still allocated");
        }
    }
}
