package org.nbstack.server.admin;

import java.util.Optional;
import org.nbstack.netbios.session.ServiceView;
import org.nbstack.netbios.session.SessionStatus;

/** One NetBIOS session, the listener that accepted it, and what the service on it says about it (e.g. SMB user, trees, opens). */
public record SessionRow(String listener, SessionStatus status, Optional<ServiceView> service) {

    public SessionRow(String listener, SessionStatus status) {
        this(listener, status, Optional.empty());
    }
}
