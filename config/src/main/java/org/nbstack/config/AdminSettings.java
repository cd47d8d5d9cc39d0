package org.nbstack.config;

import java.time.Duration;

/**
 * The admin HTTP endpoint ({@code /metrics}, {@code /healthz}, {@code /status}, {@code /netstat}, {@code /sessions}).
 *
 * @param threads      its own threads, never a session event loop
 * @param queryTimeout bound on a question to the engine (netstat), so the endpoint always answers
 */
public record AdminSettings(boolean enabled, HostPort bind, int threads, int backlog, Duration queryTimeout) {
}
