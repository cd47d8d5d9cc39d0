package org.nbstack.config;

import java.time.Duration;

/** @param gracePeriod how long SIGTERM / Ctrl-C waits for sessions to close before aborting what is left */
public record ShutdownSettings(Duration gracePeriod) {
}
