package org.nbstack.netbios.session;

import java.net.SocketAddress;
import java.time.Duration;
import org.nbstack.netbios.name.NetbiosName;

/**
 * A snapshot of one session for admin and status views.
 *
 * @param age                   time since the session was established
 * @param idle                  time since the last SESSION MESSAGE in either direction
 * @param inboundMessages       messages received and not yet taken by the handler
 * @param outboundMessages      messages accepted for sending and not yet handed to TCP
 * @param sinceOutboundProgress time since queued outbound data last made progress (zero when nothing is queued)
 */
public record SessionStatus(long id, NetbiosName calledName, NetbiosName callingName, SocketAddress remoteAddress,
        SessionState state, Duration age, Duration idle, int inboundMessages, long inboundBytes,
        int outboundMessages, long outboundBytes, Duration sinceOutboundProgress) {
}
