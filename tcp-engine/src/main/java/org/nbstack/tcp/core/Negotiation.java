package org.nbstack.tcp.core;

import org.nbstack.tcp.wire.TcpOptions;

/**
 * What a handshake settles from the peer's SYN and our configuration (RFC 9293 §3.7.1 MSS, RFC 7323 window scale
 * and timestamps, RFC 2018 SACK-permitted): the one place that decides it, whether the connection keeps SYN_RECEIVED
 * state ({@link #fromSyn}) or answers statelessly with a SYN cookie ({@link #forCookie}, then {@link #fromCookie}).
 *
 * @param peerMss         the MSS the peer announced, {@link #DEFAULT_PEER_MSS} when it announced none
 * @param peerWindowScale the window scale the peer offered, or -1 (then neither side scales)
 * @param timestamps      whether both ends use timestamps
 * @param sack            whether both ends use SACK
 */
public record Negotiation(int peerMss, int peerWindowScale, boolean timestamps, boolean sack) {
    /** RFC 9293 §3.7.1: the MSS assumed when the peer sends none. */
    public static final int DEFAULT_PEER_MSS = 536;

    /** What a SYN and our configuration settle when the connection keeps its handshake state. */
    public static Negotiation fromSyn(TcpConfig config, TcpOptions syn) {
        return new Negotiation(syn.mss > 0 ? syn.mss : DEFAULT_PEER_MSS, syn.windowScale,
                config.timestamps() && syn.hasTimestamps, config.sack() && syn.sackPermitted);
    }

    /**
     * What a SYN cookie's SYN-ACK offers (RFC 4987 §3.6): without timestamps there is nowhere to keep window scale
     * and SACK, so they are offered only with timestamps (as Linux).
     */
    public static Negotiation forCookie(TcpConfig config, TcpOptions syn) {
        boolean timestamps = config.timestamps() && syn.hasTimestamps;
        return new Negotiation(syn.mss > 0 ? syn.mss : DEFAULT_PEER_MSS,
                timestamps && syn.windowScale >= 0 ? syn.windowScale : -1, timestamps,
                timestamps && config.sack() && syn.sackPermitted);
    }

    /**
     * What a valid cookie brings back when the handshake's last ACK arrives: the values the cookie kept, and
     * timestamps exactly when that ACK carries them (RFC 7323 §3.2).
     */
    public static Negotiation fromCookie(TcpConfig config, int peerMss, int peerWindowScale, boolean sackPermitted,
            boolean ackHasTimestamps) {
        return new Negotiation(peerMss, peerWindowScale, config.timestamps() && ackHasTimestamps,
                config.sack() && sackPermitted);
    }

    /** Our SYN always offers window scaling, so it applies exactly when the peer's offered it (RFC 7323 §1.3). */
    public boolean windowScaling() {
        return peerWindowScale >= 0;
    }

    /** The shift applied to the peer's window fields (RFC 7323 §2.3: at most 14). */
    int sendWindowScale() {
        return windowScaling() ? Math.min(peerWindowScale, TcpConfig.MAX_WINDOW_SCALE) : 0;
    }

    /** The shift applied to our window fields. */
    int receiveWindowScale(TcpConfig config) {
        return windowScaling() ? config.effectiveWindowScale() : 0;
    }
}
