package org.nbstack.loadtest.server;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import org.nbstack.loadtest.targets.LoadTarget;
import org.nbstack.loadtest.targets.NetworkNamespace;
import org.nbstack.netbios.server.Listener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.spi.Transports;

/**
 * A {@link NetbiosServer} in the load test's own JVM, on the target's server transport. Its CPU is the CPU of its
 * event-loop threads; its memory is the whole JVM's, load generator included (there is no other way to split it).
 */
public final class InJvmServer implements ServerUnderTest {

    /** Meter names under which an engine transport may count SYN retransmissions, tagged kind=syn. */
    private static final List<String> SYN_RETRANSMIT_METERS = List.of("tcp.retransmits", "engine.tcp.retransmits");

    private final NetbiosServer server;
    private final ObservedTransport transport;
    private final MeterRegistry meters;
    private final LoadTarget target;

    private InJvmServer(NetbiosServer server, ObservedTransport transport, MeterRegistry meters, LoadTarget target) {
        this.server = server;
        this.transport = transport;
        this.meters = meters;
        this.target = target;
    }

    /**
     * Starts a server for {@code target} with {@code tuning}, holding {@link ServedNames#ECHO} and {@link ServedNames#ONE_SHOT}.
     *
     * @param threads event-loop threads of the server
     */
    public static InJvmServer start(LoadTarget target, ServerTuning tuning, int threads) {
        ObservedTransport transport = new ObservedTransport(Transports.named(target.serverTransport(), target.serverOptions()));
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(Listener.of(ServedNames.ECHO, session -> session.inbound()));
        // take(1) cancels the rest of the inbound stream, whose queued messages the session then releases.
        listeners.listen(Listener.of(ServedNames.ONE_SHOT, session -> session.inbound().take(1)));
        // The engine owns its address outright, so it listens on the NBSS port; the kernel's loopback gets any free port.
        int port = target.isKernel() ? 0 : NetbiosServerSettings.NBSS_PORT;
        NetbiosServerSettings settings = tuning.applyTo(NetbiosServerSettings.builder().transport(target.serverTransport())
                .transportOptions(target.serverOptions()).bindAddress(target.serverHost(), port).eventLoopThreads(threads)).build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        NetbiosServer server = NetbiosServer.start(transport, settings, listeners, meters);
        if (target.needsNamespace()) {
            try {
                NetworkNamespace.configureKernelSide();
            } catch (IOException | InterruptedException e) {
                server.close();
                throw new IllegalStateException("cannot configure the kernel side of the TUN device: " + e.getMessage(), e);
            }
        }
        return new InJvmServer(server, transport, meters, target);
    }

    /** The server itself, for status queries during a run. */
    public NetbiosServer server() {
        return server;
    }

    @Override
    public InetSocketAddress address() {
        return server.localAddress();
    }

    @Override
    public ResourceUsage usage() {
        long[] rss = ProcStatus.residentBytes("self");
        return new ResourceUsage(transport.cpuNanos(), rss[0], rss[1], "CPU of the server's event-loop threads; RSS of the whole load-test JVM");
    }

    @Override
    public Optional<Long> synRetransmissions() {
        for (String name : SYN_RETRANSMIT_METERS) {
            Counter counter = meters.find(name).tag("kind", "syn").counter();
            if (counter != null) {
                return Optional.of((long) counter.count());
            }
        }
        return Optional.empty();
    }

    @Override
    public String synRetransmissionsAbsence() {
        return target.isKernel()
                ? "the server runs on the kernel's TCP (" + target.serverTransport() + "), whose SYN retransmissions are the kernel's own (TCPSynRetrans in /proc/net/netstat)"
                : "the in-JVM " + target.serverTransport() + " server registers no " + SYN_RETRANSMIT_METERS + "{kind=syn} meter";
    }

    @Override
    public String describe() {
        return "in-JVM NetBIOS server on " + address() + " over " + target;
    }

    @Override
    public void close() {
        server.close();
    }
}
