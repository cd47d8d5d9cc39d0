package org.nbstack.netbios.server;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import org.nbstack.netbios.codec.NegativeCode;
import org.nbstack.netbios.codec.SessionRequest;
import org.nbstack.netbios.name.NetbiosName;

/**
 * Answers a SESSION REQUEST (RFC 1002 §5.2.1.2): which listener takes it, or which NEGATIVE code or RETARGET
 * the caller gets. A pure decision over the registry and the session permits; no I/O.
 */
final class SessionEstablishment {

    sealed interface Decision {
    }

    /** Take the session; its permits are held and must be released when it ends. */
    record Accept(NameListener listener, NetbiosName calledName, SocketAddress source) implements Decision {
    }

    record Refuse(NegativeCode code) implements Decision {
    }

    /**
     * A session limit is reached: the caller gets NEGATIVE SESSION RESPONSE 0x83, "called name present, but
     * insufficient resources" (RFC 1002 §4.3.4), counted by {@code limit}: max_sessions, listener_max_sessions or
     * max_sessions_per_source.
     */
    record Full(String limit) implements Decision {
        NegativeCode code() {
            return NegativeCode.INSUFFICIENT_RESOURCES;
        }
    }

    record Retarget(InetSocketAddress address) implements Decision {
    }

    private final ListenerRegistry registry;
    private final SessionPermits serverPermits;
    private final NetbiosServerSettings settings;
    private final SourceLimit perSource;

    SessionEstablishment(ListenerRegistry registry, SessionPermits serverPermits, NetbiosServerSettings settings) {
        this.registry = registry;
        this.serverPermits = serverPermits;
        this.settings = settings;
        this.perSource = new SourceLimit(settings.maxSessionsPerSource());
    }

    /** @param source the caller's address, for max-sessions-per-source */
    Decision decide(SessionRequest request, SocketAddress source) {
        NetbiosName called = resolveAlias(request.calledName());
        List<NameListener> listens = registry.listeners(called);
        if (listens == null) {
            return new Refuse(NegativeCode.CALLED_NAME_NOT_PRESENT);
        }
        if (listens.isEmpty()) {
            return new Refuse(NegativeCode.NOT_LISTENING_ON_CALLED_NAME);
        }
        NameListener match = null;
        for (NameListener listener : listens) {
            if (listener.accepts(request.callingName())) {
                match = listener;
                break;
            }
        }
        if (match == null) {
            return new Refuse(NegativeCode.NOT_LISTENING_FOR_CALLING_NAME);
        }
        if (match.retarget().isPresent()) {
            return new Retarget(match.retarget().get());
        }
        if (!perSource.tryAcquire(source)) {
            return new Full("max_sessions_per_source");
        }
        if (!serverPermits.tryAcquire()) {
            perSource.release(source);
            return new Full("max_sessions");
        }
        if (!match.permits().tryAcquire()) {
            serverPermits.release();
            perSource.release(source);
            return new Full("listener_max_sessions");
        }
        return new Accept(match, called, source);
    }

    void release(Accept accepted) {
        accepted.listener().permits().release();
        serverPermits.release();
        perSource.release(accepted.source());
    }

    /** Sessions {@code source}'s address holds now (0 when max-sessions-per-source is off). */
    int sessionsFrom(SocketAddress source) {
        return perSource.held(source);
    }

    /** SMB clients that know only an address call {@code *SMBSERVER<20>}; it stands for the server's own name. */
    private NetbiosName resolveAlias(NetbiosName called) {
        if (settings.smbServerAlias() && settings.defaultName().isPresent()
                && called.name().equals(NetbiosName.SMBSERVER.name()) && called.suffix() == NetbiosName.SERVER_SUFFIX) {
            return settings.defaultName().get();
        }
        return called;
    }
}
