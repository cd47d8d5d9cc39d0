package org.nbstack.tcp.core;

/** The timer netstat -o shows for a connection: its kind, time left and retry/backoff count. */
public record ConnectionTimer(String kind, long remainingNanos, int retries) {

    /** netstat's rendering: {@code on (0.20/3/0)} or {@code off (0.00/0/0)}. */
    public String netstat() {
        return String.format(java.util.Locale.ROOT, "%s (%.2f/%d/0)", kind, Math.max(0, remainingNanos) / 1e9, retries);
    }
}
