package org.nbstack.tcp.core;

import io.netty.buffer.ByteBuf;
import org.nbstack.tcp.core.ConnectionTimers.Kind;
import org.nbstack.tcp.core.congestion.CongestionAlgorithm;
import org.nbstack.tcp.core.congestion.CongestionControl;
import org.nbstack.tcp.core.congestion.ProportionalRateReduction;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * One TCP connection as a sans-I/O state machine (RFC 9293). Inputs are calls carrying the current time:
 * an arriving segment, a user call, or a timer check; outputs are segments handed to {@link SegmentOutput}
 * and events handed to {@link ConnectionEvents}. The connection owns no thread and no clock: the owner
 * reads {@link #nextDeadline()} after each call and calls {@link #onTimer(long)} when it has come.
 * Not thread-safe: every call for one connection comes from one thread.
 *
 * <p>The connection keeps the factories, the user calls, segment arrival in RFC 9293 §3.10.7's order, ACK
 * processing, the timers' dispatch and every state change; the receive side is {@code Receiver}, the send side
 * {@code Sender}, loss recovery a {@code LossRecovery}, the handshake {@code Handshake}, the retransmission
 * timeout {@code RetransmissionTimeout}, keep-alives {@code KeepAlive}, TIME_WAIT's arrivals {@code TimeWait}, the
 * timers {@code ConnectionTimers}. At about 1,000 lines it is longer than the 600 the other classes of the package
 * keep to, for three reasons: the arrival is kept in one reading order, the ACK processing beside it is where
 * congestion control is called on each ACK, and its public accessors are the whole view the stack and the channel
 * have of a connection.
 */
public final class TcpConnection {
    private final ConnectionId id;
    private TcpConfig config;
    final ConnectionEvents events;
    final SegmentWriter writer;
    final TcpCounters counters;
    private final ShardResources resources;
    private final MemoryAccount memory;
    /** The receive side: RCV.*, acceptability, PAWS, reassembly, delayed ACK, D-SACK, window advertisement. */
    final Receiver rcv;
    /** The send side: SND.*, the output loop, Nagle and SWS avoidance, persist, FIN. */
    final Sender snd;
    final SackScoreboard scoreboard = new SackScoreboard();
    // RFC 8985 RACK-TLP, used when SACK was negotiated (without SACK, NewReno's dup ACKs decide).
    final SentSegmentLog sentLog = new SentSegmentLog();
    // RFC 3522 / RFC 4015: a timeout that timestamps show to be spurious is taken back.
    final SpuriousRtoDetection eifel = new SpuriousRtoDetection();
    final RttEstimator rtt;
    /** The handshake: our SYN or SYN-ACK, the peer's SYN, what they negotiated. */
    final Handshake handshake;

    private TcpState state;
    private CloseReason closeReason;
    private boolean passiveOpen;
    private boolean orphaned;
    private Object attachment;
    private final int iss;

    // Negotiated options.
    boolean tsOn;
    boolean sackOn;

    /** Loss recovery: SACK with RACK-TLP, or NewReno; chosen when the handshake settles SACK. */
    LossRecovery recovery = new NewRenoRecovery(this);

    // Congestion control (RFC 5681, 6582, 6675, 6928).
    CongestionControl cc;
    final ProportionalRateReduction prr = new ProportionalRateReduction();
    boolean cwndLimited;
    boolean inRecovery;
    private int recoveryPoint;
    int recover;
    private boolean synAcknowledged;
    int dupAcks;
    private boolean partialAckSeen;

    // Timers: absolute deadlines, one per kind.
    final ConnectionTimers timers = new ConnectionTimers();
    /** The retransmission timer's handler: go back N, back off, give up (RFC 6298 §5, RFC 9293 §3.8.3). */
    final RetransmissionTimeout retransmissionTimeout;
    /** Keep-alive probing (RFC 1122 4.2.3.6). */
    private final KeepAlive keepAlive;
    /** TIME_WAIT's segment processing and the new-incarnation test (RFC 9293 §3.10.7.4, RFC 6191). */
    private final TimeWait timeWait;
    long lastProgress;
    final InvalidAckLimiter invalidAcks;

    private TcpConnection(ConnectionId id, TcpConfig config, int iss, int tsOffset, ConnectionEvents events,
            SegmentOutput output, ShardResources resources) {
        this.id = id;
        this.config = config;
        this.cc = config.congestionControl().newController();
        this.iss = iss;
        this.events = events;
        this.writer = new SegmentWriter(id, output, resources.counters(), tsOffset);
        this.resources = resources;
        this.counters = resources.counters();
        // Seed 004 class: the connection's fair share of shard memory; its out-of-order queue may be pruned for others.
        this.memory = resources.memory().open(this::pruneOutOfOrder);
        this.snd = new Sender(this, iss, writer, resources, memory);
        this.rcv = new Receiver(this, resources, memory);
        this.invalidAcks = new InvalidAckLimiter(resources);
        this.rtt = new RttEstimator(config);
        this.recover = iss;
        this.handshake = new Handshake(this);
        this.retransmissionTimeout = new RetransmissionTimeout(this);
        this.keepAlive = new KeepAlive(this);
        this.timeWait = new TimeWait(this);
    }

    /** RFC 2018 §8: a receiver may discard out-of-order data; its SACK blocks are no longer reported. */
    private void pruneOutOfOrder() {
        rcv.pruneOutOfOrder();
    }

    /** Active open (RFC 9293 §3.10.1): sends a SYN and enters SYN_SENT. */
    public static TcpConnection connect(long now, ConnectionId id, TcpConfig config, int iss, int tsOffset,
            ConnectionEvents events, SegmentOutput output, ShardResources resources) {
        TcpConnection c = new TcpConnection(id, config, iss, tsOffset, events, output, resources);
        c.setState(TcpState.SYN_SENT);
        c.lastProgress = now;
        c.handshake.sendSyn(now, false);
        return c;
    }

    /**
     * Passive open from a listener (RFC 9293 §3.10.7.2): takes the peer's SYN, sends SYN-ACK and enters
     * SYN_RECEIVED. The SYN's payload is released.
     */
    public static TcpConnection accept(long now, ConnectionId id, TcpConfig config, int iss, int tsOffset,
            TcpSegment syn, ConnectionEvents events, SegmentOutput output, ShardResources resources) {
        TcpConnection c = new TcpConnection(id, config, iss, tsOffset, events, output, resources);
        c.setState(TcpState.SYN_RECEIVED);
        c.passiveOpen = true;
        c.lastProgress = now;
        c.handshake.takePeerSyn(now, syn);
        syn.release();
        c.handshake.sendSyn(now, true);
        return c;
    }

    /**
     * A connection rebuilt from a valid SYN cookie (RFC 4987 §3.6) when the handshake's last ACK arrives: no
     * SYN_RECEIVED state was kept, so what the SYN negotiated comes from the cookie. The connection starts
     * in SYN_RECEIVED; the caller then hands it {@code ack} (which may carry data) through
     * {@link #segmentArrived}, once it can receive the connection's events.
     *
     * @param negotiated   what the cookie kept of the SYN's options ({@link Negotiation#fromCookie})
     * @param synAckWindow the (unscaled) window our SYN-ACK advertised
     */
    public static TcpConnection fromCookie(long now, ConnectionId id, TcpConfig config, int iss, int tsOffset,
            TcpSegment ack, Negotiation negotiated, int synAckWindow,
            ConnectionEvents events, SegmentOutput output, ShardResources resources) {
        TcpConnection c = new TcpConnection(id, config, iss, tsOffset, events, output, resources);
        c.setState(TcpState.SYN_RECEIVED);
        c.passiveOpen = true;
        c.lastProgress = now;
        c.handshake.restoreFromCookie(now, ack, negotiated, synAckWindow);
        return c;
    }

    // ------------------------------------------------------------------------------------------------
    // Accessors

    public ConnectionId id() {
        return id;
    }

    public TcpState state() {
        return state;
    }

    public TcpConfig config() {
        return config;
    }

    /** Why the connection closed, or null while it is not CLOSED. */
    public CloseReason closeReason() {
        return closeReason;
    }

    public Object attachment() {
        return attachment;
    }

    public void attach(Object value) {
        attachment = value;
    }

    public boolean isOrphaned() {
        return orphaned;
    }

    /** Whether the application shut down output (a FIN is queued or sent); writes are refused then. */
    public boolean isOutputShutdown() {
        return snd.finQueued;
    }

    /**
     * Applies changed settings (channel options set after the handshake). Window scale, MSS,
     * timestamps and SACK were fixed by the handshake and keep their negotiated values.
     */
    public void reconfigure(long now, TcpConfig newConfig) {
        boolean keepAliveWasOn = config.keepAlive();
        // Like Linux's TCP_KEEPIDLE, a new idle time restarts a running keepalive timer with it.
        boolean idleChanged = config.keepAliveIdleNanos() != newConfig.keepAliveIdleNanos();
        config = newConfig;
        if (newConfig.congestionControl() != cc.algorithm()) {
            // Like Linux's TCP_CONGESTION on a running connection: the new algorithm takes over the window.
            CongestionControl next = newConfig.congestionControl().newController();
            next.resume(now, cc.cwnd(), cc.ssthresh());
            if (state != TcpState.CLOSED) {
                counters.congestionControlChanged(cc.algorithm(), next.algorithm());
            }
            cc = next;
        }
        if (newConfig.keepAlive() && (state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.FIN_WAIT_2)
                && (!keepAliveWasOn || !timers.isArmed(Kind.KEEPALIVE) || idleChanged)) {
            keepAlive.arm(now);
        } else if (!newConfig.keepAlive()) {
            timers.stop(Kind.KEEPALIVE);
        }
    }

    /** Bytes the application may still queue before the send buffer is full. */
    public int sendSpace() {
        int bufferRoom = config.sendBuffer() - snd.sendQueue.bytes();
        if (bufferRoom <= 0) {
            return 0;
        }
        // Beyond its share of the shard's memory (ShardMemory) writers wait: backpressure, not loss.
        return (int) Math.max(0, Math.min(bufferRoom, memory.sendRoom()));
    }

    /** Send-Q as netstat shows it: bytes queued and not yet acknowledged. */
    public int sendQueueBytes() {
        return snd.sendQueue.bytes();
    }

    /** Recv-Q as netstat shows it: bytes received in order and not yet read by the application. */
    public int receiveQueueBytes() {
        return rcv.unreadBytes;
    }

    public int outOfOrderBytes() {
        return rcv.reassembly.bytes();
    }

    public int congestionWindow() {
        return cc.cwnd();
    }

    public int slowStartThreshold() {
        return cc.ssthresh();
    }

    public CongestionAlgorithm congestionControl() {
        return cc.algorithm();
    }

    public long smoothedRttNanos() {
        return rtt.srtt();
    }

    public long rtoNanos() {
        return rtt.rto();
    }

    /** Payload bytes in a full-sized segment we send (RFC 6691: MSS less the options we carry). */
    public int sendMss() {
        return Math.max(1, snd.segmentSizeLimit() - (tsOn ? SegmentWriter.TS_OPTION_BYTES : 0));
    }

    /**
     * An ICMP "fragmentation needed" (RFC 1191 §6) said the path takes only {@code mtu} octets, quoting a segment
     * that started at {@code seq}. Taken only when that sequence number is in flight (RFC 5927 §4.1) in a
     * synchronized state and the MTU is lower than the one in use; then the MSS drops to {@code mtu - 40} and the
     * first unacknowledged segment is sent again at once, as Linux's tcp_simple_retransmit. Returns whether taken.
     */
    public boolean lowerPathMtu(long now, int seq, int mtu) {
        int mss = mtu - 40;
        if (!state.isSynchronized() || !Seq.ge(seq, snd.sndUna) || !Seq.lt(seq, snd.sndMax) || mss >= snd.segmentSizeLimit()
                || mss < 1) {
            return false;
        }
        snd.pathMss = mss;
        retransmitFirstUnacked(now);
        return true;
    }

    public int sndUna() {
        return snd.sndUna;
    }

    public int sndNxt() {
        return snd.sndNxt;
    }

    public int rcvNxt() {
        return rcv.rcvNxt;
    }

    public int iss() {
        return iss;
    }

    public int irs() {
        return rcv.irs;
    }

    public boolean timestampsEnabled() {
        return tsOn;
    }

    public boolean sackEnabled() {
        return sackOn;
    }

    public int sendWindowScale() {
        return snd.sndWscale;
    }

    public int receiveWindowScale() {
        return rcv.rcvWscale;
    }

    public int peerWindow() {
        return snd.sndWnd;
    }

    /** Whether the handshake started from a listener (passive open). */
    public boolean isPassiveOpen() {
        return passiveOpen;
    }

    /** The earliest time at which {@link #onTimer(long)} has work to do, or Long.MAX_VALUE. */
    public long nextDeadline() {
        return timers.next();
    }

    /** The timer netstat shows: "on" (retransmission), "probe" (persist), "keepalive", "timewait", or "off". */
    public ConnectionTimer activeTimer(long now) {
        return timers.netstatView(now, retransmissionTimeout.retransmits(), snd.persistBackoff,
                keepAlive.probes());
    }

    // ------------------------------------------------------------------------------------------------
    // User calls (RFC 9293 §3.10.2 - 3.10.6)

    /** Queues data to send; ownership of {@code data} passes to the connection. Call {@link #flush} to send. */
    public void write(ByteBuf data) {
        if (state == TcpState.CLOSED || snd.finQueued) {
            data.release();
            throw new IllegalStateException(snd.finQueued ? "connection output is shut down" : "connection is closed");
        }
        snd.sendQueue.add(data);
    }

    /** Sends what the windows allow of the queued data. */
    public void flush(long now) {
        if (state.isSynchronized() || state == TcpState.CLOSE_WAIT) {
            snd.output(now);
        }
    }

    /** The application read {@code bytes} of delivered data: the receive window may open again. */
    public void consumed(long now, int bytes) {
        if (bytes <= 0 || state == TcpState.CLOSED) {
            return;
        }
        boolean worthAnnouncing = rcv.read(bytes);
        if (worthAnnouncing && state.isSynchronized() && !state.isReceiveClosed()) {
            snd.sendAck(now);
        }
    }

    /** Half-close (RFC 9293 §3.10.4): a FIN follows the queued data; receiving goes on. */
    public void shutdownOutput(long now) {
        switch (state) {
            case SYN_SENT -> close(CloseReason.NORMAL, now);
            case SYN_RECEIVED, ESTABLISHED -> {
                snd.queueFin();
                setState(TcpState.FIN_WAIT_1);
                snd.output(now);
            }
            case CLOSE_WAIT -> {
                snd.queueFin();
                setState(TcpState.LAST_ACK);
                snd.output(now);
            }
            default -> {
                // Already closing or closed: nothing more to send.
            }
        }
    }

    /**
     * Full close by the application: FIN after queued data, and the connection becomes an orphan that
     * finishes on its own. Unread received data means the peer's data would be lost, so the
     * connection is reset instead (RFC 1122 4.2.2.13).
     */
    public void close(long now) {
        if (state == TcpState.CLOSED) {
            return;
        }
        orphaned = true;
        if (rcv.unreadBytes > 0 || !rcv.reassembly.isEmpty()) {
            abort(now);
            return;
        }
        shutdownOutput(now);
        if (state == TcpState.FIN_WAIT_2) {
            timers.arm(Kind.FIN_WAIT_2, now + config.finWait2TimeoutNanos());
        }
    }

    /** Abort (RFC 9293 §3.10.5): RST to the peer where it holds state, then CLOSED. */
    public void abort(long now) {
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK -> snd.sendReset(now);
            default -> {
            }
        }
        close(CloseReason.ABORTED, now);
    }

    // ------------------------------------------------------------------------------------------------
    // Timers

    /** Runs every timer whose deadline is at or before {@code now}. */
    public void onTimer(long now) {
        if (state == TcpState.CLOSED) {
            return;
        }
        if (timers.expired(Kind.TIME_WAIT, now)) {
            close(CloseReason.NORMAL, now);
            return;
        }
        if (timers.expired(Kind.FIN_WAIT_2, now)) {
            if (state == TcpState.FIN_WAIT_2) {
                counters.finWait2Timeouts++;
                snd.sendReset(now);
                close(CloseReason.FIN_WAIT_2_TIMEOUT, now);
                return;
            }
        }
        if (timers.expired(Kind.REORDER, now)) {
            recovery.reorderTimeout(now);
        }
        if (timers.expired(Kind.PROBE, now)) {
            recovery.probeTimeout(now); // before the RTO: a PTO capped at the RTO's expiry probes instead (RFC 8985 §7.2)
        }
        if (timers.expired(Kind.RETRANSMIT, now)) {
            retransmissionTimeout.expired(now);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (timers.expired(Kind.PERSIST, now)) {
            snd.persistTimeout(now);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (timers.expired(Kind.KEEPALIVE, now)) {
            keepAlive.expired(now);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (timers.expired(Kind.DELAYED_ACK, now)) {
            snd.sendAck(now);
        }
    }

    /** The peer is unreachable or gone: a RST where it may hold state, then CLOSED with {@code reason}. */
    void giveUp(long now, CloseReason reason) {
        if (reason == CloseReason.CONNECT_TIMEOUT || reason == CloseReason.RETRANSMIT_TIMEOUT) {
            counters.connectionTimeouts++;
        }
        if (state.isSendClosed()) {
            counters.orphanRetriesExhausted++;
        }
        if (state != TcpState.SYN_SENT) {
            snd.sendReset(now); // RFC 9293 §3.8.3: R2 exceeded, close the connection
        }
        close(reason, now);
    }

    void armRetransmitTimer(long now) {
        timers.arm(Kind.RETRANSMIT, capByUserTimeout(now + rtt.rto()));
    }

    /** RFC 5482: with a user timeout, the timers fire no later than the moment it expires. */
    long capByUserTimeout(long deadline) {
        long limit = config.userTimeoutNanos();
        return limit > 0 ? Math.min(deadline, lastProgress + limit) : deadline;
    }

    // ------------------------------------------------------------------------------------------------
    // Segment arrival (RFC 9293 §3.10.7)

    /** Processes one arriving segment; ownership of its payload passes to the connection. */
    public void segmentArrived(long now, TcpSegment seg) {
        counters.segmentsReceived++;
        try {
            switch (state) {
                case CLOSED, LISTEN -> {
                    // The owner routes segments for closed connections elsewhere.
                }
                case SYN_SENT -> synSentArrival(now, seg);
                case TIME_WAIT -> timeWait.segmentArrived(now, seg);
                default -> synchronizedArrival(now, seg);
            }
        } finally {
            seg.release();
        }
        if (state != TcpState.CLOSED && rcv.ackNow) {
            snd.sendAck(now);
        }
    }

    /** RFC 9293 §3.10.7.3. */
    private void synSentArrival(long now, TcpSegment seg) {
        boolean ackFlag = seg.has(TcpFlags.ACK);
        if (ackFlag && (Seq.le(seg.ack, iss) || Seq.gt(seg.ack, snd.sndMax))) {
            if (!seg.has(TcpFlags.RST)) {
                writer.sendResetFor(seg);
            }
            return;
        }
        if (seg.has(TcpFlags.RST)) {
            if (ackFlag) {
                counters.resetsReceived++;
                close(CloseReason.REFUSED, now);
            }
            return;
        }
        if (!seg.has(TcpFlags.SYN)) {
            return;
        }
        handshake.takePeerSyn(now, seg);
        if (ackFlag) {
            handshake.takeSynAckWindow(seg);
            ackAdvanced(now, seg, seg.ack);
            establish(now);
            rcv.ackNow = true;
            snd.output(now);
        } else {
            // Simultaneous open (RFC 9293 §3.5, figure 8).
            setState(TcpState.SYN_RECEIVED);
            handshake.sendSyn(now, true);
        }
    }

    private void establish(long now) {
        setState(TcpState.ESTABLISHED);
        cc.start(now, config.initialCwndSegments() * sendMss()); // RFC 6928, counted in segments as Linux does
        retransmissionTimeout.progressed();
        timers.stop(Kind.RETRANSMIT);
        lastProgress = now;
        keepAlive.arm(now);
        events.onEstablished(this);
    }

    /** RFC 9293 §3.10.7.4 for SYN_RECEIVED and the synchronized states, in the RFC's order. */
    private void synchronizedArrival(long now, TcpSegment seg) {
        boolean rst = seg.has(TcpFlags.RST);
        if (state == TcpState.SYN_RECEIVED && seg.has(TcpFlags.SYN) && !seg.has(TcpFlags.ACK) && seg.seq == rcv.irs) {
            // The peer did not get our SYN-ACK and repeated its SYN.
            handshake.sendSyn(now, true);
            return;
        }

        // RFC 7323 §5.3 R1: PAWS.
        if (rcv.pawsRejects(now, seg)) {
            return;
        }

        // First: sequence number acceptability (§3.10.7.4 table).
        Receiver.Acceptability acceptability = rcv.acceptability(now, seg);
        if (acceptability == Receiver.Acceptability.UNACCEPTABLE) {
            return;
        }
        boolean dataFitsWindow = acceptability == Receiver.Acceptability.ACCEPTABLE;
        rcv.updateTsRecent(now, seg);

        // Second: RST (RFC 9293 §3.10.7.4 with the RFC 5961 §3.2 exact-match rule).
        if (rst) {
            if (seg.seq != rcv.rcvNxt) {
                // RFC 5961 §3.2: an in-window RST not exactly at RCV.NXT may be forged; challenge it.
                rcv.ackNow = invalidAcks.allowChallengeAck(now);
                return;
            }
            counters.resetsReceived++;
            // After both FINs a reset loses nothing, unless our data was still unacknowledged.
            boolean allDataAcked = snd.finQueued && Seq.ge(snd.sndUna, snd.finSeq);
            CloseReason reason = state == TcpState.SYN_RECEIVED && !passiveOpen ? CloseReason.REFUSED
                    : (state == TcpState.LAST_ACK || state == TcpState.CLOSING) && allDataAcked ? CloseReason.NORMAL
                    : CloseReason.RESET_BY_PEER;
            close(reason, now);
            return;
        }

        // Fourth: SYN in a synchronized state gets a challenge ACK (RFC 5961 §4, RFC 9293 §3.10.7.4).
        if (seg.has(TcpFlags.SYN)) {
            rcv.ackNow = invalidAcks.allowChallengeAck(now);
            return;
        }

        // Fifth: ACK.
        if (!seg.has(TcpFlags.ACK)) {
            return;
        }
        keepAlive.ackArrived(now);
        if (state == TcpState.SYN_RECEIVED) {
            if (Seq.lt(snd.sndUna, seg.ack) && Seq.le(seg.ack, snd.sndMax)) {
                if (!events.admitEstablished(this)) {
                    return; // accept queue full: stay in SYN_RECEIVED, the peer's next ACK retries
                }
                handshake.takeFinalAckWindow(seg);
                ackAdvanced(now, seg, seg.ack);
                establish(now);
            } else {
                writer.sendResetFor(seg);
                return;
            }
        } else if (!processAck(now, seg)) {
            return;
        }

        // Sixth/seventh: segment text.
        int payloadLen = seg.payloadLength();
        if (payloadLen > 0 && dataFitsWindow) {
            if (state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2) {
                if (orphaned && Seq.gt(seg.seq + payloadLen, rcv.rcvNxt)) {
                    // New data nobody will read; tell the peer (RFC 9293 §3.10.7.4, RFC 1122 4.2.2.13).
                    // Retransmitted old data is not new and only needs the ACK below.
                    snd.sendReset(now);
                    close(CloseReason.DATA_AFTER_CLOSE, now);
                    return;
                }
                rcv.receiveText(now, seg);
            }
        } else if (payloadLen > 0) {
            rcv.ackNow = true;
        }

        // Eighth: FIN. Like Linux (tcp_data_queue), a bare FIN at RCV.NXT is taken even by a zero window: it needs no
        // buffer space, and refusing it would leave the peer retransmitting its FIN until it gives up.
        boolean bareFinAtRcvNxt = payloadLen == 0 && seg.seq == rcv.rcvNxt;
        if (seg.has(TcpFlags.FIN) && (dataFitsWindow || bareFinAtRcvNxt)) {
            int segFinSeq = seg.seq + payloadLen;
            if (Seq.inWindow(segFinSeq, rcv.rcvNxt, rcv.rcvAdvRight + 1)) {
                rcv.peerFinPending = true;
                rcv.peerFinSeq = segFinSeq;
            }
            rcv.ackNow = true;
        }
        if (rcv.peerFinPending && rcv.peerFinSeq == rcv.rcvNxt) {
            rcv.peerFinPending = false;
            finArrived(now);
        }
    }

    /** ACK processing for the synchronized states; false when the segment is to be dropped. */
    private boolean processAck(long now, TcpSegment seg) {
        int ack = seg.ack;
        if (Seq.gt(ack, snd.sndMax)) {
            rcv.ackNow = invalidAcks.allowChallengeAck(now); // acknowledges something not yet sent (§3.10.7.4, RFC 5961 §5.2)
            return false;
        }
        // RFC 5961 §5.2: an ACK too far below SND.UNA is dropped with an ACK.
        if (Seq.lt(ack, snd.sndUna - Math.max(snd.maxSndWnd, 1))) {
            rcv.ackNow = invalidAcks.allowChallengeAck(now);
            return false;
        }
        snd.zeroWindowProbes.answered(); // the peer is alive, whatever window it offers (Linux: icsk_probes_out = 0)
        int oldWnd = snd.sndWnd;
        int oldUna = snd.sndUna;
        int oldSacked = scoreboard.sackedBytes();
        boolean newlySacked = recovery.takeSacks(now, seg);
        snd.updateWindow(seg);
        boolean duplicate = false;
        if (Seq.gt(ack, snd.sndUna)) {
            ackAdvanced(now, seg, ack);
        } else if (ack == snd.sndUna && snd.sndMax != snd.sndUna && seg.payloadLength() == 0
                && !seg.has(TcpFlags.SYN) && !seg.has(TcpFlags.FIN) && snd.sndWnd == oldWnd) {
            duplicate = true;
            duplicateAck(now); // RFC 5681 §2 DUPLICATE ACKNOWLEDGMENT
        }
        if (state == TcpState.CLOSED) {
            return false;
        }
        if (sackOn && snd.canSendData()) {
            recovery.ackProcessed(now, seg, snd.sndUna != oldUna, duplicate, newlySacked);
        }
        if (inRecovery && sackOn && cc.proportionalRateReduction()) {
            // RFC 6937: DeliveredData = change in SND.UNA + change in SACKed bytes; the ACK may send sndcnt more.
            int delivered = Math.max(0, (snd.sndUna - oldUna) + (scoreboard.sackedBytes() - oldSacked));
            int pipe = pipe();
            cc.setCwnd(pipe + prr.onAck(delivered, pipe, sendMss()));
        }
        boolean finAcked = snd.finQueued && Seq.gt(snd.sndUna, snd.finSeq);
        switch (state) {
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    setState(TcpState.FIN_WAIT_2);
                    if (orphaned) {
                        timers.arm(Kind.FIN_WAIT_2, now + config.finWait2TimeoutNanos());
                    }
                }
            }
            case CLOSING -> {
                if (finAcked) {
                    enterTimeWait(now);
                    return false;
                }
            }
            case LAST_ACK -> {
                if (finAcked) {
                    close(CloseReason.NORMAL, now);
                    return false;
                }
            }
            default -> {
            }
        }
        // In recovery an ACK may reveal more lost segments to resend even when nothing new is queued.
        if (inRecovery || sentLog.lostBytes() > 0 || snd.hasUnsentData() || (snd.finQueued && !snd.finSent())) {
            snd.output(now);
        }
        return true;
    }

    /** SND.UNA moves forward to {@code ack}. */
    private void ackAdvanced(long now, TcpSegment seg, int ack) {
        int oldUna = snd.sndUna;
        // Not "oldUna == ISS": after 2^32 bytes SND.UNA passes the ISS again, and the SYN is acknowledged once.
        boolean synAcked = !synAcknowledged;
        synAcknowledged = true;
        boolean finAcked = snd.finQueued && Seq.le(oldUna, snd.finSeq) && Seq.gt(ack, snd.finSeq);
        int dataAcked = ack - oldUna - (synAcked ? 1 : 0) - (finAcked ? 1 : 0);
        snd.sndUna = ack;
        if (Seq.lt(snd.sndNxt, snd.sndUna)) {
            snd.sndNxt = snd.sndUna;
        }
        if (Seq.gt(snd.sndUna, recover)) {
            // RFC 6582 recover is only compared with SND.UNA: once passed, it stays just behind, so that the serial
            // comparison cannot flip after 2^31 bytes acknowledged without loss (which would block fast retransmit).
            recover = snd.sndUna - 1;
        }
        snd.sendQueue.removeBefore(snd.streamOffset(Seq.min(ack, snd.dataEndSeq())));
        recovery.cumulativelyAcked(snd.sndUna);
        lastProgress = now;
        retransmissionTimeout.progressed();
        snd.persistBackoff = 0;
        snd.zeroWindowProbes.progressed();
        boolean echo = tsOn && seg.options.hasTimestamps && seg.options.tsEcr != 0;
        boolean spuriousRto = eifel.onAcceptableAck(echo, seg.options.tsEcr);

        // RTT: from the timestamp echo (RFC 7323 §4.1), else from the one timed segment (Karn's rule). After a
        // spurious timeout the echo names the original transmission, so the sample measures the late ACK's delay
        // and the RTO grows to cover it (RFC 4015's restart of the estimator from new data is not done).
        if (echo) {
            long sentMillis = (seg.options.tsEcr - writer.tsOffset()) & 0xffffffffL;
            long nowMillis = tsClock(now) - writer.tsOffset() & 0xffffffffL;
            long rttMillis = (nowMillis - sentMillis) & 0xffffffffL;
            if (rttMillis < 3_600_000L) {
                rtt.sample(rttMillis * 1_000_000L);
                cc.onRttSample(now, rttMillis * 1_000_000L, rtt.srtt());
            }
        } else if (snd.rttTiming && Seq.gt(ack, snd.rttSeq)) {
            snd.rttTiming = false;
            rtt.sample(now - snd.rttStart);
            cc.onRttSample(now, now - snd.rttStart, rtt.srtt());
        }

        if (state.isSynchronized()) {
            congestionOnAck(now, ack, Math.max(dataAcked, 0));
        }
        if (spuriousRto) {
            undoSpuriousTimeout();
        }
        dupAcks = inRecovery ? dupAcks : 0;
        // RFC 6298 §5.2/5.3: stop the timer when all is acknowledged, else restart it.
        if (snd.sndMax == snd.sndUna) {
            timers.stop(Kind.RETRANSMIT);
        } else {
            armRetransmitTimer(now);
        }
        if (dataAcked > 0 && sendSpace() > 0) {
            events.onSendSpace(this);
        }
    }

    /**
     * The Eifel response (RFC 4015): the timeout was spurious, so sending resumes with unsent data (SND.NXT back
     * to SND.MAX: no go-back-N of a window that was not lost) and the congestion state returns to what it was
     * before the timeout, as Linux undoes it (tcp_undo_cwnd_reduction), rather than RFC 4015's FlightSize form.
     */
    private void undoSpuriousTimeout() {
        counters.spuriousRtos++;
        snd.sndNxt = snd.sndMax;
        cc.undo(eifel.priorCwnd(), eifel.priorSsthresh());
        recover = eifel.priorRecover(); // out of timeout recovery: RACK, the probe and fast recovery apply again
    }

    private void congestionOnAck(long now, int ack, int acked) {
        int mss = sendMss();
        if (inRecovery) {
            if (Seq.ge(ack, recoveryPoint)) {
                // Full acknowledgment: leave recovery (RFC 6582 §3.2 step 3, RFC 6675 §5).
                inRecovery = false;
                recovery.recoveryEnded();
                dupAcks = 0;
                int flight = snd.sndMax - snd.sndUna;
                cc.setCwnd(sackOn ? cc.ssthresh() : Math.min(cc.ssthresh(), Math.max(flight, mss) + mss));
            } else if (!sackOn) {
                // NewReno partial acknowledgment (RFC 6582 §3.2 step 5): retransmit the next hole,
                // deflate by the amount acknowledged, add back one segment.
                retransmitFirstUnacked(now);
                cc.setCwnd(Math.max(mss, cc.cwnd() - acked + (acked >= mss ? mss : 0)));
                if (!partialAckSeen) {
                    partialAckSeen = true;
                    armRetransmitTimer(now);
                }
            }
            return;
        }
        cc.onAck(now, acked, ack, snd.sndNxt, mss, cwndLimited);
    }

    private void duplicateAck(long now) {
        counters.duplicateAcks++;
        dupAcks++;
        int mss = sendMss();
        if (inRecovery) {
            if (!sackOn) {
                cc.setCwnd(cc.cwnd() + mss); // RFC 6582 §3.2 step 4: inflate for each further duplicate
            }
            if (!sackOn || !cc.proportionalRateReduction()) {
                snd.output(now); // with PRR the window for this ACK is set after its SACKs are counted
            }
            return;
        }
        if (recovery.duplicateAckStartsRecovery(dupAcks)) {
            enterRecovery(now);
        }
    }

    void enterRecovery(long now) {
        int mss = sendMss();
        counters.fastRetransmits++;
        int flight = snd.sndMax - snd.sndUna;
        cc.onFastRecovery(now, flight, mss);
        recoveryPoint = snd.sndMax;
        recover = snd.sndMax;
        inRecovery = true;
        partialAckSeen = false;
        snd.rttTiming = false;
        if (sackOn) {
            if (cc.proportionalRateReduction()) {
                prr.start(cc.ssthresh(), flight); // RFC 6937: RecoverFS, the flight at the start
                // Segments RACK already marked lost go out up to ssthresh now, as with RFC 6675 and in Linux (which
                // keeps cwnd until the next ACK); from the next ACK on, PRR's sndcnt decides. Holding them back to
                // the pipe cost 2 RTOs per run at 2% loss on the loss-recovery figure's path.
                cc.setCwnd(Math.max(pipe(), cc.ssthresh()));
            } else {
                cc.setCwnd(cc.ssthresh());
            }
        } else {
            cc.setCwnd(cc.ssthresh() + SackScoreboard.DUP_THRESH * mss);
        }
        recovery.recoveryStarted(now);
        snd.output(now);
    }

    /**
     * §7.4: the probe repaired a lost tail segment. Congestion control answers the loss as fast recovery
     * would (halve the window), unless this window already had its response.
     */
    void tailLossRepaired(long now) {
        counters.tlpRecoveries++;
        if (inRecovery || Seq.lt(snd.sndUna, recover)) {
            return;
        }
        cc.onTailLossRepaired(now, sendMss());
    }

    /** Retransmits one segment starting at SND.UNA (fast retransmit, RFC 5681 §3.2 step 2). */
    void retransmitFirstUnacked(long now) {
        int end = sackOn ? scoreboard.holeEnd(snd.sndUna, snd.sndMax) : snd.sndMax;
        int len = Math.min(sendMss(), Math.min(end - snd.sndUna, snd.dataEndSeq() - snd.sndUna));
        if (len > 0) {
            snd.transmitData(now, snd.sndUna, len, false);
            counters.retransmittedSegments++;
        } else if (snd.finQueued && snd.sndUna == snd.finSeq) {
            snd.transmitControl(now, snd.finSeq, TcpFlags.FIN | TcpFlags.ACK);
            counters.retransmittedSegments++;
        }
        armRetransmitTimer(now);
    }

    private void finArrived(long now) {
        rcv.rcvNxt += 1;
        rcv.ackNow = true;
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> setState(TcpState.CLOSE_WAIT);
            case FIN_WAIT_1 -> setState(TcpState.CLOSING); // our FIN not yet acknowledged: simultaneous close
            case FIN_WAIT_2 -> {
                timers.stop(Kind.FIN_WAIT_2);
                snd.sendAck(now);
                enterTimeWait(now);
            }
            default -> {
            }
        }
        if (state != TcpState.CLOSE_WAIT) {
            timers.stop(Kind.KEEPALIVE);
        }
        events.onPeerFin(this);
    }

    private void enterTimeWait(long now) {
        if (rcv.ackNow) {
            snd.sendAck(now);
        }
        timers.stopAll();
        sentLog.clear();
        snd.sendQueue.releaseAll();
        rcv.reassembly.releaseAll();
        memory.close();
        if (config.timeWaitNanos() == 0 || !events.admitTimeWait(this)) {
            close(CloseReason.NORMAL, now); // table full: the newest closer skips TIME_WAIT (seed 001)
            return;
        }
        setState(TcpState.TIME_WAIT);
        timers.arm(Kind.TIME_WAIT, now + config.timeWaitNanos());
    }

    // ------------------------------------------------------------------------------------------------
    // TIME_WAIT reuse (seed 000, Q230307)

    /**
     * Whether a SYN for this TIME_WAIT connection's 4-tuple is provably a new incarnation (RFC 6191 §2): its
     * timestamp is newer than the last one seen; or equal (a peer with a 1 ms clock reconnecting at once,
     * as Linux does) and its sequence number beyond the old RCV.NXT; or, without timestamps, its sequence
     * number beyond the old RCV.NXT (RFC 1122 4.2.2.13).
     */
    public boolean acceptsNewIncarnation(TcpSegment syn) {
        return state == TcpState.TIME_WAIT && timeWait.acceptsNewIncarnation(syn);
    }

    /**
     * The ISN for a new incarnation of this TIME_WAIT connection's 4-tuple: beyond anything this one sent and
     * within the window the peer may still expect, as Linux's tcp_timewait_state_process (SND.NXT + 65535 + 2).
     */
    public int nextIncarnationIsn() {
        return snd.sndNxt + 65535 + 2;
    }

    /**
     * The sequence number a reconnect from this (closed) active-open connection's 4-tuple must start beyond
     * (RFC 1122 4.2.2.13): what the peer's TIME_WAIT may still remember.
     */
    public int reconnectIsnFloor() {
        return snd.sndNxt + 1;
    }

    /** The old connection gives way to a new incarnation of its 4-tuple. */
    public void replace(long now) {
        close(CloseReason.REPLACED, now);
    }

    // ------------------------------------------------------------------------------------------------
    // Output

    /**
     * RFC 6675 §4 SetPipe (with SACK): unSACKed bytes in flight, less those marked lost and not yet
     * retransmitted (RFC 8985 §3.4: RACK's marks stand in for IsLost).
     */
    int pipe() {
        return Math.max(0, scoreboard.unsackedBetween(snd.sndUna, snd.sndMax) - sentLog.lostBytes());
    }

    int tsClock(long now) {
        return writer.tsClock(now);
    }

    // ------------------------------------------------------------------------------------------------
    // State changes

    private void setState(TcpState next) {
        counters.stateChanged(state, next);
        boolean wasOpen = state != null && state != TcpState.CLOSED;
        if (wasOpen != (next != TcpState.CLOSED)) {
            counters.congestionControlChanged(wasOpen ? cc.algorithm() : null, wasOpen ? null : cc.algorithm());
        }
        state = next;
    }

    void close(CloseReason reason, long now) {
        if (state == TcpState.CLOSED) {
            return;
        }
        setState(TcpState.CLOSED);
        closeReason = reason;
        timers.stopAll();
        rcv.ackNow = false;
        sentLog.clear();
        snd.sendQueue.releaseAll();
        rcv.reassembly.releaseAll();
        memory.close();
        events.onClosed(this, reason);
    }

    @Override
    public String toString() {
        return id + " " + state;
    }
}
