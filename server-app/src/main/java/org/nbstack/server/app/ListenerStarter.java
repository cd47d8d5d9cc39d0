package org.nbstack.server.app;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.nbstack.config.InvalidConfigException;
import org.nbstack.config.ListenerConfig;
import org.nbstack.config.NbstackConfig;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.server.engine.EngineIntrospection;
import org.nbstack.server.engine.EngineStackMapping;
import org.nbstack.tcp.netty.EngineConfig;
import org.nbstack.tcp.netty.EngineTransport;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.server.metrics.ServerMeterDefaults;
import org.nbstack.server.metrics.ServerMeters;
import org.nbstack.spi.Transport;
import org.nbstack.tcp.stack.StackMetrics;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.TransportUnavailableException;
import org.nbstack.spi.Transports;

/**
 * Starts one configured listener: finds its transport, starts a NetBIOS server on it and binds its meters. A
 * listener that cannot start is skipped with its reason when it is not required, and stops start-up otherwise.
 */
final class ListenerStarter {

    static final String ENGINE = "engine";

    private final NbstackConfig config;
    private final ListenerRegistry names;
    private final List<String> nameList;
    private final ServerMeters meters;
    private final ServerOptions options;
    /** One sequence for every listener, so that a session ID names one session of the process (sessions, logs). */
    private final AtomicLong sessionIds = new AtomicLong();

    ListenerStarter(NbstackConfig config, ListenerRegistry names, List<String> nameList, ServerMeters meters, ServerOptions options) {
        this.config = config;
        this.names = names;
        this.nameList = nameList;
        this.meters = meters;
        this.options = options;
    }

    RunningListener start(ListenerConfig listener) {
        String key = "nbstack.listeners." + listener.name();
        NetbiosServerSettings settings;
        StackConfig engineStack = null;
        try {
            settings = NetbiosMapping.serverSettings(config.netbios(), listener);
            if (ENGINE.equals(listener.transport())) {
                engineStack = EngineStackMapping.stackConfig(config.engine(), listener.addresses()); // the engine's own checks, before listening
            }
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigException(key + ": " + e.getMessage());
        }
        if (!Transports.availability().containsKey(listener.transport().toLowerCase(java.util.Locale.ROOT))) {
            // a name no provider has is a mistake in the configuration, not a transport that cannot run here
            throw new InvalidConfigException(key + ".transport = \"" + listener.transport() + "\" is not a transport; the transports are "
                    + String.join(", ", Transports.availability().keySet()));
        }
        Transport transport;
        try {
            TransportOptions transportOptions = TransportOptions.of(listener.allTransportOptions());
            // The engine gets nbstack.engine.* (TCP and stack settings) directly; the other transports by name.
            transport = engineStack != null
                    ? new EngineTransport(EngineConfig.from(transportOptions).withStack(engineStack))
                    : Transports.named(listener.transport(), transportOptions);
        } catch (TransportUnavailableException | IllegalArgumentException e) {
            return skipOrFail(listener, "transport '" + listener.transport() + "' unavailable: " + e.getMessage());
        }
        ObservedTransport observed = new ObservedTransport(transport, listener.name());
        NetbiosServer server;
        try {
            NetbiosServer.Framing framing = listener.protocol() == ListenerConfig.Protocol.SMB_DIRECT
                    ? NetbiosServer.Framing.DIRECT_TCP : NetbiosServer.Framing.NBSS;
            server = NetbiosServer.start(observed, settings, names, meters.forListener(listener.name()), sessionIds, framing);
        } catch (Exception e) { // NetbiosServerException, TransportUnavailableException, or Netty's unchecked-rethrown I/O errors
            return skipOrFail(listener, e.getMessage() == null ? e.toString() : e.getMessage());
        }
        for (int i = 0; i < observed.groups().size(); i++) {
            meters.bindEventLoops(listener.name(), i, observed.groups().get(i));
        }
        Optional<EngineIntrospection> engine = options.engines().apply(transport);
        Optional<StackMetrics> engineMeters = engine.map(e -> new StackMetrics(e::stacks));
        engineMeters.ifPresent(m -> m.bindTo(meters.forListener(listener.name())));
        engine.ifPresent(e -> e.bindLinkMeters(meters.forListener(listener.name())));
        ServerMeterDefaults.bindZeroCounters(meters.forListener(listener.name()));
        return new RunningListener(listener, Optional.of(server), Optional.of(observed), engine, engineMeters, "", nameList);
    }

    private RunningListener skipOrFail(ListenerConfig listener, String reason) {
        String oneLine = reason.replaceAll("\\s*\\R\\s*", " ");
        if (listener.required()) {
            throw new StartupException("listener '" + listener.name() + "' cannot start: " + oneLine
                    + " (set nbstack.listeners." + listener.name() + ".required = false to start without it)");
        }
        return RunningListener.skipped(listener, oneLine, nameList);
    }
}
