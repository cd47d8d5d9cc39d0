package org.nbstack.netbios.session;

import java.util.Objects;

/** What every established session of a server or client is bounded by. */
public record SessionSettings(SessionLimits limits, SessionTimeouts timeouts, int maxMessageSize) {

    public SessionSettings {
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(timeouts, "timeouts");
        if (maxMessageSize < 0 || maxMessageSize > org.nbstack.netbios.codec.NbssFrames.MAX_LENGTH) {
            throw new IllegalArgumentException("max-message-size must be 0..131071, was " + maxMessageSize);
        }
        if (limits.outboundMaxBytes() < maxMessageSize || limits.inboundMaxBytes() < maxMessageSize) {
            throw new IllegalArgumentException("inbound-max-bytes and outbound-max-bytes must each hold one message of "
                    + "max-message-size (" + maxMessageSize + " octets)");
        }
    }
}
