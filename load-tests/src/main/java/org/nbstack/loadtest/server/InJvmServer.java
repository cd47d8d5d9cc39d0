package org.nbstack.loadtest.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.nbstack.loadtest.targets.LoadTarget;
import org.nbstack.loadtest.targets.NetworkNamespace;
import org.nbstack.loadtest.targets.RunTransport;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.tcp.netty.EngineTransport;
import org.nbstack.tcp.stack.StackMetrics;

/**
 * A {@link NetbiosServer} in the load test's own JVM, on the target's server transport. Its CPU is the CPU of its
 * event-loop threads; its memory is the whole JVM's, load generator included (there is no other way to split it).
 */
public final class InJvmServer implements ServerUnderTest {

    /** The engine's SYN (and SYN-ACK) retransmission meter, tagged kind=syn ({@link StackMetrics}). */
    private static final String SYN_RETRANSMIT_METER = "tcp.retransmits";

    private final NetbiosServer server;
    private final ObservedTransport transport;
    private final RunTransport opened;
    private final MeterRegistry meters;
    private final LoadTarget target;

    private InJvmServer(NetbiosServer server, ObservedTransport transport, RunTransport opened, MeterRegistry meters,
            LoadTarget target) {
        this.server = server;
        this.transport = transport;
        this.opened = opened;
        this.meters = meters;
        this.target = target;
    }

    /**
     * Starts a server for {@code target} with {@code tuning}, holding {@link ServedNames#ECHO} and {@link ServedNames#ONE_SHOT}.
     *
     * @param threads event-loop threads of the server
     */
    public static InJvmServer start(LoadTarget target, ServerTuning tuning, int threads) {
        RunTransport opened = RunTransport.open(target.serverTransport(), target.serverOptions());
        ObservedTransport transport = new ObservedTransport(opened.transport());
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(ServedNames.ECHO, session -> session.inbound()));
        // take(1) cancels the rest of the inbound stream, whose queued messages the session then releases.
        listeners.listen(NameListener.of(ServedNames.ONE_SHOT, session -> session.inbound().take(1)));
        // The engine owns its address outright, so it listens on the NBSS port; the kernel's loopback gets any free port.
        int port = target.isKernel() ? 0 : NetbiosServerSettings.NBSS_PORT;
        NetbiosServerSettings settings = tuning.applyTo(NetbiosServerSettings.builder().transport(target.serverTransport())
                .transportOptions(target.serverOptions()).bindAddress(target.serverHost(), port).eventLoopThreads(threads)).build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        NetbiosServer server;
        try {
            server = NetbiosServer.start(transport, settings, listeners, meters);
        } catch (RuntimeException e) {
            opened.close();
            throw e;
        }
        // The engine's own TCP counters, as bin/nbstack serve exposes them at /metrics; the kernel's TCP has none here.
        if (transport.delegate() instanceof EngineTransport engine) {
            new StackMetrics(engine.engine()::stacks).bindTo(meters);
        }
        if (target.needsNamespace()) {
            try {
                NetworkNamespace.configureKernelSide();
            } catch (IOException | InterruptedException e) {
                server.close();
                opened.close();
                throw new IllegalStateException("cannot configure the kernel side of the TUN device: " + e.getMessage(), e);
            }
        }
        return new InJvmServer(server, transport, opened, meters, target);
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
        FunctionCounter counter = meters.find(SYN_RETRANSMIT_METER).tag("kind", "syn").functionCounter();
        return counter == null ? Optional.empty() : Optional.of((long) counter.count());
    }

    @Override
    public String synRetransmissionsAbsence() {
        return target.isKernel()
                ? "the server runs on the kernel's TCP (" + target.serverTransport() + "), whose SYN retransmissions are the kernel's own (TCPSynRetrans in /proc/net/netstat)"
                : "the in-JVM " + target.serverTransport() + " server registers no " + SYN_RETRANSMIT_METER + "{kind=syn} meter";
    }

    @Override
    public Optional<EngineCounters> engineCounters() {
        return EngineCounters.of(transport);
    }

    @Override
    public String describe() {
        return "in-JVM NetBIOS server on " + address() + " over " + target;
    }

    @Override
    public void close() {
        server.close();
        opened.close();
    }
}
