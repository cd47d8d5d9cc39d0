package org.nbstack.netbios.server;

import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.SessionHandler;

/**
 * A listen on a NetBIOS name: who may call it, how many sessions it takes, and the handler that serves them,
 * or the address callers are retargeted to instead (RFC 1002 §4.3.5).
 */
public final class NameListener {

    private final NetbiosName name;
    private final SessionHandler handler;
    private final Set<String> allowedCallers;
    private final int maxSessions;
    private final InetSocketAddress retarget;
    private final SessionPermits permits;

    private NameListener(Builder builder) {
        this.name = builder.name;
        this.handler = builder.handler;
        this.allowedCallers = builder.allowedCallers.stream().map(NetbiosName::key).collect(Collectors.toUnmodifiableSet());
        this.maxSessions = builder.maxSessions;
        this.retarget = builder.retarget;
        this.permits = new SessionPermits(builder.maxSessions);
    }

    SessionPermits permits() {
        return permits;
    }

    /** A listen on {@code name} served by {@code handler}; any caller, no per-name session limit. */
    public static NameListener of(NetbiosName name, SessionHandler handler) {
        return builder(name).handler(handler).build();
    }

    public static Builder builder(NetbiosName name) {
        return new Builder(name);
    }

    public NetbiosName name() {
        return name;
    }

    /** The handler, absent for a listener that only retargets. */
    public Optional<SessionHandler> handler() {
        return Optional.ofNullable(handler);
    }

    /** Whether {@code caller} may call this listener (an empty allow-list allows everyone). */
    public boolean accepts(NetbiosName caller) {
        return allowedCallers.isEmpty() || allowedCallers.contains(caller.key());
    }

    /** Sessions this listener takes at once; 0 for no limit of its own. */
    public int maxSessions() {
        return maxSessions;
    }

    public Optional<InetSocketAddress> retarget() {
        return Optional.ofNullable(retarget);
    }

    @Override
    public String toString() {
        return "listener on " + name + (allowedCallers.isEmpty() ? "" : " for " + allowedCallers)
                + (retarget == null ? "" : " retargeting to " + retarget);
    }

    /** Builds a {@link NameListener}; {@link #build()} says what is missing or wrong. */
    public static final class Builder {
        private final NetbiosName name;
        private SessionHandler handler;
        private Set<NetbiosName> allowedCallers = Set.of();
        private int maxSessions;
        private InetSocketAddress retarget;

        private Builder(NetbiosName name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public Builder handler(SessionHandler sessionHandler) {
            this.handler = Objects.requireNonNull(sessionHandler, "handler");
            return this;
        }

        /** Only these calling names may call (RFC 1001 §5.3: a LISTEN may name its caller). */
        public Builder allowCallers(NetbiosName... callers) {
            this.allowedCallers = Set.of(callers);
            return this;
        }

        public Builder maxSessions(int max) {
            if (max < 0) {
                throw new IllegalArgumentException("max-sessions of " + name + " must be 0 (no limit) or positive, was " + max);
            }
            this.maxSessions = max;
            return this;
        }

        /** Answer every request with a SESSION RETARGET RESPONSE to this IPv4 address and port. */
        public Builder retargetTo(InetSocketAddress address) {
            if (address.isUnresolved() || !(address.getAddress() instanceof Inet4Address)) {
                throw new IllegalArgumentException("a retarget address must be a resolved IPv4 address, got " + address);
            }
            this.retarget = address;
            return this;
        }

        public NameListener build() {
            if (handler == null && retarget == null) {
                throw new IllegalArgumentException("the listener on " + name + " needs a handler or a retarget address");
            }
            return new NameListener(this);
        }
    }
}
