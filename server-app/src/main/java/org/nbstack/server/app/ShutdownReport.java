package org.nbstack.server.app;

import java.time.Duration;

/** What a graceful stop did: sessions that closed by themselves, sessions aborted after the grace period, time taken. */
public record ShutdownReport(int closedGracefully, int aborted, Duration took) {
}
