package org.nbstack.config;

import java.time.Duration;

/** TCP keepalive of the engine's connections (RFC 1122 4.2.3.6). */
public record KeepAliveSettings(boolean enabled, Duration idle, Duration interval, int count) {
}
