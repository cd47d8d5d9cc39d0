package org.nbstack.config;

/**
 * The userspace engine's stack settings; server-app maps them onto tcp-engine's {@code StackConfig}.
 *
 * @param timeWaitLimit  connections in TIME_WAIT at once; beyond it the closing connection skips TIME_WAIT (counted)
 * @param maxConnections connections of any state
 * @param ephemeralPorts ports the engine picks for its own connections
 * @param synBacklog     half-open connections per listener
 */
public record EngineSettings(TcpSettings tcp, int timeWaitLimit, int maxConnections, PortRange ephemeralPorts, int synBacklog) {
}
