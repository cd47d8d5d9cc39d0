package org.nbstack.netbios.client;

import java.time.Duration;
import java.util.Objects;
import org.nbstack.netbios.codec.NbssFrames;
import org.nbstack.netbios.session.SessionLimits;
import org.nbstack.netbios.session.SessionSettings;
import org.nbstack.netbios.session.SessionTimeouts;

/**
 * How a {@link NetbiosClient} connects.
 *
 * @param eventLoopThreads  I/O threads of the client's own event loop group
 * @param connectTimeout    TCP connection set-up bound
 * @param responseTimeout   bound on the wait for the answer to a SESSION REQUEST
 * @param maxRetargets      RETARGET responses followed before giving up
 * @param session           bounds of each established session
 * @param receiveBufferSize SO_RCVBUF; 0 = system default
 */
public record NetbiosClientSettings(int eventLoopThreads, Duration connectTimeout, Duration responseTimeout, int maxRetargets,
        SessionSettings session, int receiveBufferSize) {

    public static final NetbiosClientSettings DEFAULT = new NetbiosClientSettings(1, Duration.ofSeconds(10),
            Duration.ofSeconds(10), 3, new SessionSettings(SessionLimits.DEFAULT,
                    new SessionTimeouts(Duration.ZERO, Duration.ZERO, Duration.ofSeconds(30)), NbssFrames.MAX_LENGTH), 0);

    public NetbiosClientSettings {
        Objects.requireNonNull(session, "session");
        if (eventLoopThreads < 1) {
            throw new IllegalArgumentException("event-loop-threads must be at least 1, was " + eventLoopThreads);
        }
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connect-timeout must be positive, was " + connectTimeout);
        }
        if (responseTimeout == null || responseTimeout.isNegative() || responseTimeout.isZero()) {
            throw new IllegalArgumentException("response-timeout must be positive, was " + responseTimeout);
        }
        if (maxRetargets < 0 || maxRetargets > 16) {
            throw new IllegalArgumentException("max-retargets must be 0..16, was " + maxRetargets);
        }
        if (receiveBufferSize < 0) {
            throw new IllegalArgumentException("receive-buffer-size must be 0 (system default) or positive, was " + receiveBufferSize);
        }
    }

    public NetbiosClientSettings withSession(SessionSettings value) {
        return new NetbiosClientSettings(eventLoopThreads, connectTimeout, responseTimeout, maxRetargets, value, receiveBufferSize);
    }

    public NetbiosClientSettings withMaxRetargets(int value) {
        return new NetbiosClientSettings(eventLoopThreads, connectTimeout, responseTimeout, value, session, receiveBufferSize);
    }

    public NetbiosClientSettings withResponseTimeout(Duration value) {
        return new NetbiosClientSettings(eventLoopThreads, connectTimeout, value, maxRetargets, session, receiveBufferSize);
    }

    public NetbiosClientSettings withReceiveBufferSize(int value) {
        return new NetbiosClientSettings(eventLoopThreads, connectTimeout, responseTimeout, maxRetargets, session, value);
    }
}
