package org.nbstack.server.app;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.nbstack.config.ListenerConfig;
import org.nbstack.config.NameSettings;
import org.nbstack.config.NetbiosSettings;
import org.nbstack.config.SessionQueueSettings;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.netbios.session.OverflowPolicy;
import org.nbstack.netbios.session.SessionLimits;
import org.nbstack.server.handlers.HandlerContext;
import org.nbstack.server.handlers.SessionHandlers;
import org.nbstack.server.logging.MdcSessionHandler;
import org.nbstack.spi.TransportOptions;

/** Maps the {@code nbstack.netbios} section and a listener onto the NetBIOS session service's own settings. */
public final class NetbiosMapping {

    private static final Pattern NAME_WITH_SUFFIX = Pattern.compile("(.{1,15})<([0-9A-Fa-f]{2})>");

    private NetbiosMapping() {
    }

    public static NetbiosServerSettings serverSettings(NetbiosSettings netbios, ListenerConfig listener) {
        SessionQueueSettings q = netbios.session();
        OverflowPolicy policy = q.overflowPolicy() == SessionQueueSettings.Overflow.CLOSE_SESSION
                ? OverflowPolicy.CLOSE_SESSION : OverflowPolicy.DROP_NEWEST;
        return NetbiosServerSettings.builder().transport(listener.transport())
                .transportOptions(TransportOptions.of(listener.allTransportOptions()))
                .bindAddress(listener.bind().toSocketAddress()).eventLoopThreads(listener.threads())
                .backlog(netbios.backlog()).maxSessions(netbios.maxSessions())
                .sessionRequestTimeout(netbios.sessionRequestTimeout()).maxPendingConnections(netbios.maxPendingConnections())
                .keepAliveInterval(netbios.keepAliveInterval())
                .idleTimeout(netbios.idleTimeout()).writeStallTimeout(netbios.writeStallTimeout())
                .maxMessageSize(netbios.maxMessageSize())
                .sessionLimits(new SessionLimits(q.inboundMaxMessages(), q.inboundMaxBytes(), q.outboundMaxMessages(),
                        q.outboundMaxBytes(), q.memoryBudgetBytes(), policy))
                .defaultName(netbios.defaultName().map(NetbiosName::server).orElse(null))
                .smbServerAlias(netbios.smbServerAlias()).tcpKeepAlive(netbios.tcpKeepAlive())
                .tcpUserTimeout(netbios.tcpUserTimeout()).sendBufferSize(netbios.sendBufferSize())
                .receiveBufferSize(netbios.receiveBufferSize()).writeBufferHighWaterMark(netbios.writeBufferHighWaterMark())
                .maxSessionsPerSource(netbios.maxSessionsPerSource()).maxPendingPerSource(netbios.maxPendingPerSource())
                .build();
    }

    /**
     * The names and their handlers, shared by every listener.
     *
     * @throws IllegalArgumentException naming the configuration key of a name whose handler or options are wrong
     */
    public static ListenerRegistry registry(NetbiosSettings netbios, SessionHandlers handlers, HandlerContext context) {
        ListenerRegistry registry = new ListenerRegistry();
        for (NameSettings settings : netbios.names()) {
            String key = "nbstack.netbios.names." + settings.key();
            try {
                NetbiosName name = NetbiosName.of(settings.name(), settings.suffix(), settings.scope());
                NameListener.Builder listener = NameListener.builder(name).maxSessions(settings.maxSessions())
                        .allowCallers(callers(settings.allowedCallers(), settings.scope()));
                if (settings.retarget().isPresent()) {
                    InetSocketAddress target = settings.retarget().get().toSocketAddress();
                    if (target.isUnresolved() || !(target.getAddress() instanceof Inet4Address)) {
                        throw new IllegalArgumentException("retarget " + settings.retarget().get() + " is not an IPv4 address");
                    }
                    listener.retargetTo(target);
                } else {
                    listener.handler(new MdcSessionHandler(handlers.create(settings.handler(), settings.handlerOptions(), context)));
                }
                registry.listen(listener.build());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(key + ": " + e.getMessage(), e);
            }
        }
        return registry;
    }

    /** {@code ALICE} is the workstation name {@code ALICE<00>}; {@code ALICE<20>} names the suffix. */
    static NetbiosName[] callers(List<String> callers, String scope) {
        List<NetbiosName> names = new ArrayList<>();
        for (String caller : callers) {
            Matcher m = NAME_WITH_SUFFIX.matcher(caller);
            names.add(m.matches() ? NetbiosName.of(m.group(1), Integer.parseInt(m.group(2), 16), scope)
                    : NetbiosName.of(caller, NetbiosName.WORKSTATION_SUFFIX, scope));
        }
        return names.toArray(NetbiosName[]::new);
    }
}
