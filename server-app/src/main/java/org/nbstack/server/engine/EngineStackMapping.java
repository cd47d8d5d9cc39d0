package org.nbstack.server.engine;

import java.util.ArrayList;
import java.util.List;
import org.nbstack.config.EngineSettings;
import org.nbstack.config.IpSettings;
import org.nbstack.config.TcpSettings;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.ip.IpConfig;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.wire.Ipv4;

/**
 * Maps the {@code nbstack.engine} section onto tcp-engine's {@link TcpConfig} and {@link StackConfig}. Building
 * them at start-up runs the engine's own range checks too, so a combination the engine rejects stops the server
 * before it listens.
 */
public final class EngineStackMapping {

    private EngineStackMapping() {
    }

    /** Every {@code engine.tcp} key onto the setting of the same name (see {@link TcpSettingsMapping}). */
    public static TcpConfig tcpConfig(TcpSettings tcp) {
        return TcpSettingsMapping.tcpConfig(tcp);
    }

    /**
     * @param addresses the engine's IPv4 addresses, comma-separated (a listener's {@code addresses})
     * @throws IllegalArgumentException when the engine rejects a value
     */
    public static StackConfig stackConfig(EngineSettings engine, String addresses) {
        List<Integer> parsed = new ArrayList<>();
        for (String address : (addresses.isBlank() ? "127.0.0.1" : addresses).split(",")) {
            parsed.add(Ipv4.parse(address.trim()));
        }
        return StackConfig.builder(parsed.stream().mapToInt(Integer::intValue).toArray()).tcp(tcpConfig(engine.tcp()))
                .timeWaitLimit(engine.timeWaitLimit()).maxConnections(engine.maxConnections())
                .maxConnectionsPerSource(engine.maxConnectionsPerSource()).memoryLimit(engine.memoryLimit())
                .minReceiveMemory(engine.minReceiveMemory()).minSendMemory(engine.minSendMemory())
                .challengeAcksPerSecond(engine.challengeAcksPerSecond())
                .synCookies(StackConfig.SynCookies.valueOf(engine.synCookies().name()))
                .ephemeralRange(engine.ephemeralPorts().low(), engine.ephemeralPorts().high())
                .defaultSynBacklog(engine.synBacklog()).ip(ipConfig(engine.ip()))
                .checksums(StackConfig.Checksums.valueOf(engine.checksum().name())).build();
    }

    public static IpConfig ipConfig(IpSettings ip) {
        return new IpConfig(ip.echoReplies(), ip.icmpRepliesPerSecond(), ip.reassemblyTimeout().toNanos(),
                ip.reassemblyMemory(), ip.reassemblyMemoryPerSource(), ip.maxFragmentsPerDatagram(), ip.minPathMtu());
    }
}
