/**
 * TCP itself (RFC 9293 and its companions) as sans-I/O code: no thread, no clock, no socket. Every input is a call
 * carrying the current time; outputs are segments handed to a {@link org.nbstack.tcp.core.SegmentOutput} and events
 * handed to {@link org.nbstack.tcp.core.ConnectionEvents}. The stack ({@code tcp.stack}) owns the connections and
 * calls them; the simulator drives the same code in virtual time.
 *
 * <p>Where each concern lives, in the RFCs' decomposition:
 * <ul>
 *   <li>{@link org.nbstack.tcp.core.TcpConnection}: the factories (active open, passive open, SYN cookie), the user
 *       calls, segment arrival in the order of RFC 9293 §3.10.7, ACK processing, the state changes and the timers'
 *       dispatch (FIN_WAIT_2 and TIME_WAIT expiry among them); it drives the pieces below.</li>
 *   <li>{@code Handshake}: sending our SYN or SYN-ACK, taking the peer's SYN, adopting what was negotiated (also
 *       from a SYN cookie), the send window the SYN-ACK or the handshake's last ACK sets.</li>
 *   <li>{@code RetransmissionTimeout}: the retransmission timer's handler (RFC 6298 §5: SYN retransmission, go-back-N,
 *       back-off, Eifel's undo armed, black-hole MSS fallback), the retry limits and the user timeout (RFC 9293
 *       §3.8.3, RFC 5482), and the persist timer's give-up, which shares them. {@code KeepAlive}: keep-alive
 *       probing (RFC 1122 4.2.3.6). {@code TimeWait}: what an arriving segment does in TIME_WAIT and whether a
 *       SYN is a new incarnation (RFC 6191).</li>
 *   <li>{@code Receiver}: the receive side, RCV.* variables, the acceptability test, PAWS and TS.Recent
 *       (RFC 7323), in-order delivery and the {@code ReassemblyQueue}, delayed ACK, D-SACK reporting (RFC 2883)
 *       and the window we advertise.</li>
 *   <li>{@code Sender}: the send side, SND.* variables and the {@code SendQueue}, the window update rule, the
 *       output loop with Nagle and sender SWS avoidance, the FIN, zero-window probing with the persist timer,
 *       and the segments and ACKs a connection emits.</li>
 *   <li>Loss recovery behind {@code LossRecovery}, chosen by the handshake: {@code SackRecovery} (RFC 6675 with
 *       RACK-TLP, RFC 8985: SACK intake, loss detection, reorder timer, tail loss probe) or {@code NewRenoRecovery}
 *       (RFC 5681 §3.2, RFC 6582). Their bookkeeping: {@code SackScoreboard}, {@code SentSegmentLog},
 *       {@code RackState}, {@code TailLossProbe}. {@code SpuriousRtoDetection} (Eifel, RFC 3522/4015) and
 *       {@code RttEstimator} (RFC 6298) serve the retransmission timer.</li>
 *   <li>Congestion control (cwnd, ssthresh) behind {@code congestion.CongestionControl}; {@code TcpConnection}
 *       calls it at each event (ACK, recovery entry, timeout, undo).</li>
 *   <li>{@code ConnectionTimers}: one enum of timer kinds and one array of deadlines; the next deadline and the
 *       netstat view are computed there.</li>
 *   <li>{@link org.nbstack.tcp.core.Negotiation}: what a handshake settles (MSS, window scale, timestamps, SACK),
 *       for connections and for the stack's SYN cookies alike.</li>
 *   <li>{@link org.nbstack.tcp.core.SegmentWriter}: segment construction for connection and stack: SYN and data
 *       options, the RST forms, the timestamp clock.</li>
 *   <li>Bounds a peer cannot push past: {@code ShardMemory} and {@code MemoryAccount} (buffer memory per shard and
 *       connection), {@code InvalidAckLimiter} and {@code ChallengeAckLimiter} (RFC 5961 answers),
 *       {@code TimeWaitResetWindow}, {@code ZeroWindowProbes}.</li>
 * </ul>
 * Not thread-safe: every call for one connection comes from the thread of its shard.
 */
package org.nbstack.tcp.core;
