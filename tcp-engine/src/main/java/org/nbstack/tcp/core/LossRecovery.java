package org.nbstack.tcp.core;

import org.nbstack.tcp.wire.TcpSegment;

/**
 * How a connection finds and repairs lost segments, chosen by the handshake: {@link SackRecovery} (RFC 6675 with
 * RACK-TLP loss detection, RFC 8985) when SACK was negotiated, else {@link NewRenoRecovery} (RFC 5681 §3.2, RFC
 * 6582). The connection keeps the shared recovery state (in recovery, the recovery point, RFC 6582's recover)
 * and the congestion response; an implementation decides what is lost, when fast recovery starts and what is
 * resent.
 */
interface LossRecovery {

    /**
     * An acceptable ACK arrived, before SND.UNA moves: takes in its SACK blocks (RFC 6675 §5 update). Returns
     * whether they SACKed data not SACKed before.
     */
    boolean takeSacks(long now, TcpSegment seg);

    /** SND.UNA moved forward to {@code una}: what it acknowledges leaves the SACK bookkeeping. */
    void cumulativelyAcked(int una);

    /** Whether the {@code dupAcks}-th duplicate ACK in a row, outside recovery, starts fast recovery. */
    boolean duplicateAckStartsRecovery(int dupAcks);

    /**
     * Fast recovery has just started (the congestion window is already reduced): sends the first retransmission
     * (RFC 5681 §3.2 step 2, RFC 6675 §5 (4.3)).
     */
    void recoveryStarted(long now);

    /**
     * After the ACK was processed in a state that can send: what it delivered, what that proves lost, and what
     * it says about an outstanding loss probe.
     */
    void ackProcessed(long now, TcpSegment seg, boolean unaAdvanced, boolean duplicate, boolean newlySacked);

    /** Fast recovery ended with a full acknowledgment (RFC 6582 §3.2 step 3, RFC 6675 §5). */
    void recoveryEnded();

    /** Retransmits (part of) the first segment marked lost; returns the bytes sent, 0 when none is marked. */
    int retransmitLost(long now);

    /** (Re)arms or stops the tail loss probe after data was sent or acknowledged. */
    void updateProbeTimer(long now, boolean restart);

    /** The reorder timer ({@link ConnectionTimers.Kind#REORDER}) expired. */
    void reorderTimeout(long now);

    /** The loss probe timer ({@link ConnectionTimers.Kind#PROBE}) expired. */
    void probeTimeout(long now);

    /** A retransmission timeout ends any probe episode. */
    void retransmitTimedOut();
}
