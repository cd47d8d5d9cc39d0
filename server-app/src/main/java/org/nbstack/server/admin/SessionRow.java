package org.nbstack.server.admin;

import org.nbstack.netbios.session.SessionStatus;

/** One NetBIOS session and the listener that accepted it. */
public record SessionRow(String listener, SessionStatus status) {
}
