package org.nbstack.tcp.interop;

import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.link.TunException;
import org.nbstack.tcp.wire.Ipv4;

/**
 * The measurements behind LinkBenchmark, each against its kernel baseline, built from the interop
 * tests' pieces. Every address lives on 127.0.0.1 or in namespaces made here and deleted after.
 */
public final class LinkScenarios {
    /** Throughput in MB/s, or latency percentiles in microseconds. */
    public record Result(double value, String unit) {
    }

    private static final int PORT = 445;
    private static final int TUN_MTU = 65535;

    private LinkScenarios() {
    }

    /** Whether the TUN and veth scenarios can run here (root, /dev/net/tun, ip, python3). */
    public static boolean namespacesAvailable() {
        return org.nbstack.tcp.link.NativePlatform.isSupported() && Netns.hasNetAdmin()
                && java.nio.file.Files.exists(java.nio.file.Path.of("/dev/net/tun")) && Netns.onPath("ip")
                && Netns.onPath("python3");
    }

    /** The kernel sends {@code bytes} to an engine server over TUN (MTU 65535); MB/s. */
    public static Result tunKernelToEngine(long bytes) throws TunException, InterruptedException {
        try (TunNetwork net = TunNetwork.open(TUN_MTU, TunNetwork.tcpFor(TUN_MTU))) {
            List<EngineStream> accepted = new ArrayList<>();
            net.listen(PORT, () -> {
                EngineStream e = new EngineStream("server");
                e.closeOnPeerFin = true;
                return e;
            }, accepted);
            String done = KernelPeer.start(net.ns, "connect", TunNetwork.ENGINE, "" + PORT, "0", "source", "" + bytes)
                    .await("done", 600_000);
            return new Result(bytes / KernelPeer.number(done, "seconds") / 1e6, "MB/s");
        }
    }

    /** 64-byte request/response from a kernel client to an engine echo server over TUN; latencies in us. */
    public static double[] tunRequestResponse(int rounds) throws TunException, InterruptedException {
        try (TunNetwork net = TunNetwork.open(TUN_MTU, TunNetwork.tcpFor(TUN_MTU).toBuilder().noDelay(true).build())) {
            List<EngineStream> accepted = new ArrayList<>();
            net.listen(PORT, () -> {
                EngineStream e = new EngineStream("echo");
                e.echo = true;
                e.checkPattern = false;
                e.closeOnPeerFin = true;
                return e;
            }, accepted);
            String done = KernelPeer.start(net.ns, "connect", TunNetwork.ENGINE, "" + PORT, "0", "rr", "" + rounds)
                    .await("done", 600_000);
            return KernelPeer.numbers(done, "latencies_us");
        }
    }

    /** Two namespaces joined by a veth pair: kernel to kernel. */
    private static final class VethPair implements AutoCloseable {
        final Netns client = Netns.create();
        final Netns server = Netns.create();

        VethPair() {
            client.ip("link", "add", "vc", "type", "veth", "peer", "name", "vs", "netns", server.name);
            client.ip("addr", "add", "10.78.0.1/24", "dev", "vc");
            server.ip("addr", "add", "10.78.0.2/24", "dev", "vs");
            client.ip("link", "set", "vc", "up");
            server.ip("link", "set", "vs", "up");
        }

        String run(String serverAction, String clientAction, long n) {
            KernelPeer srv = KernelPeer.start(server, "listen", "10.78.0.2", "" + PORT, serverAction, "" + n);
            srv.await("ready", 10_000);
            String done = KernelPeer.start(client, "connect", "10.78.0.2", "" + PORT, "0", clientAction, "" + n)
                    .await("done", 600_000);
            srv.await("done", 60_000);
            return done;
        }

        @Override
        public void close() {
            client.close();
            server.close();
        }
    }

    /** Kernel to kernel over veth between two namespaces; MB/s. */
    public static Result vethKernelToKernel(long bytes) {
        try (VethPair v = new VethPair()) {
            String done = v.run("sink", "source", bytes);
            return new Result(bytes / KernelPeer.number(done, "seconds") / 1e6, "MB/s");
        }
    }

    /** 64-byte request/response kernel to kernel over veth; latencies in us. */
    public static double[] vethRequestResponse(int rounds) {
        try (VethPair v = new VethPair()) {
            return KernelPeer.numbers(v.run("echo", "rr", rounds), "latencies_us");
        }
    }

    /** One engine sends {@code bytes} to another over the udp link on 127.0.0.1; MB/s. */
    public static Result udpEngineToEngine(long bytes, int mtu) throws Exception {
        UnpooledByteBufAllocator alloc = new UnpooledByteBufAllocator(true, true);
        int a = Ipv4.parse("10.88.0.1");
        int b = Ipv4.parse("10.88.0.2");
        TcpConfig tcp = TcpConfig.builder().mss(mtu - 40).receiveBuffer(4 << 20).sendBuffer(4 << 20)
                .timeWait(java.time.Duration.ofMillis(100)).build();
        try (UdpStackNode server = new UdpStackNode(a, tcp, mtu, alloc);
                UdpStackNode client = new UdpStackNode(b, tcp, mtu, alloc)) {
            server.link.addPeer(b, client.udpAddress());
            client.link.addPeer(a, server.udpAddress());
            List<EngineStream> accepted = new ArrayList<>();
            server.call(s -> s.listen(a, PORT, 8, l -> {
                var c = l.poll();
                EngineStream e = new EngineStream("sink");
                e.closeOnPeerFin = true;
                e.attach(c);
                c.setHandler(e);
                accepted.add(e);
            }));
            EngineStream sender = new EngineStream("source").sending(bytes);
            sender.closeWhenSent = true;
            long start = System.nanoTime();
            client.call(s -> {
                sender.attach(s.connect(b, 0, a, PORT, tcp, sender));
                return null;
            });
            while (accepted.isEmpty() || accepted.get(0).received < bytes) {
                Thread.sleep(1);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            sender.closed.get(30, TimeUnit.SECONDS);
            return new Result(bytes / seconds / 1e6, "MB/s");
        }
    }

    /** A Java program on the kernel's TCP over 127.0.0.1, the same transfer; MB/s. */
    public static Result kernelLoopback(long bytes) throws Exception {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread sender = Thread.ofPlatform().start(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort()));
                    OutputStream out = s.getOutputStream();
                    byte[] chunk = new byte[256 * 1024];
                    Arrays.fill(chunk, (byte) 7);
                    for (long sent = 0; sent < bytes; sent += chunk.length) {
                        out.write(chunk, 0, (int) Math.min(chunk.length, bytes - sent));
                    }
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            long start = System.nanoTime();
            try (Socket s = ss.accept(); InputStream in = s.getInputStream()) {
                byte[] buf = new byte[256 * 1024];
                long got = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    got += n;
                }
                if (got != bytes) {
                    throw new IllegalStateException("received " + got + " of " + bytes);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            sender.join();
            return new Result(bytes / seconds / 1e6, "MB/s");
        }
    }

    public static double percentile(double[] values, double p) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int i = (int) Math.ceil(p / 100 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
