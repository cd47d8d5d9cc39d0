package org.nbstack.netbios.server;

import java.net.InetSocketAddress;
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
    record Accept(Listener listener, NetbiosName calledName) implements Decision {
    }

    record Refuse(NegativeCode code) implements Decision {
    }

    record Retarget(InetSocketAddress address) implements Decision {
    }

    private final ListenerRegistry registry;
    private final SessionPermits serverPermits;
    private final NetbiosServerSettings settings;

    SessionEstablishment(ListenerRegistry registry, SessionPermits serverPermits, NetbiosServerSettings settings) {
        this.registry = registry;
        this.serverPermits = serverPermits;
        this.settings = settings;
    }

    Decision decide(SessionRequest request) {
        NetbiosName called = resolveAlias(request.calledName());
        List<Listener> listens = registry.listeners(called);
        if (listens == null) {
            return new Refuse(NegativeCode.CALLED_NAME_NOT_PRESENT);
        }
        if (listens.isEmpty()) {
            return new Refuse(NegativeCode.NOT_LISTENING_ON_CALLED_NAME);
        }
        Listener match = null;
        for (Listener listener : listens) {
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
        if (!serverPermits.tryAcquire()) {
            return new Refuse(NegativeCode.INSUFFICIENT_RESOURCES);
        }
        if (!match.permits().tryAcquire()) {
            serverPermits.release();
            return new Refuse(NegativeCode.INSUFFICIENT_RESOURCES);
        }
        return new Accept(match, called);
    }

    void release(Accept accepted) {
        accepted.listener().permits().release();
        serverPermits.release();
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
