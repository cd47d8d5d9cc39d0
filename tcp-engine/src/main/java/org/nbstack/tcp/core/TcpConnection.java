package org.nbstack.tcp.core;

import io.netty.buffer.ByteBuf;
import org.nbstack.tcp.core.congestion.CongestionAlgorithm;
import org.nbstack.tcp.core.congestion.CongestionControl;
import org.nbstack.tcp.core.congestion.ProportionalRateReduction;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * One TCP connection as a sans-I/O state machine (RFC 9293). Inputs are calls carrying the current time:
 * an arriving segment, a user call, or a timer check; outputs are segments handed to {@link SegmentOutput}
 * and events handed to {@link ConnectionEvents}. The connection owns no thread and no clock: the owner
 * reads {@link #nextDeadline()} after each call and calls {@link #onTimer(long)} when it has come.
 * Not thread-safe: every call for one connection comes from one thread.
 */
public final class TcpConnection {
    private static final long NEVER = Long.MAX_VALUE;
    /** RFC 9293 §3.7.1: the MSS assumed when the peer sends none. */
    private static final int DEFAULT_PEER_MSS = 536;
    /**
     * The smallest peer MSS we honour, as Linux's tcp_min_snd_mss (CVE-2019-11479): room for the full 40 bytes
     * of options and 8 bytes of data. A smaller MSS option would make us send tiny segments at great cost.
     */
    static final int MIN_PEER_MSS = 48;
    /** Length of the timestamps option as sent on data segments: NOP, NOP, TS (RFC 7323 Appendix A). */
    private static final int TS_OPTION_BYTES = 12;
    private static final int MAX_OPTION_BYTES = 40;
    /** RFC 7323 §5.5: TS.Recent is invalid after 24 days of idleness. */
    private static final long PAWS_IDLE_LIMIT_NANOS = 24L * 24 * 3600 * 1_000_000_000L;
    /** RFC 4821 §7.7, Linux tcp_mtu_probing = 1: timeouts in a row (tcp_retries1) that suggest an ICMP black hole. */
    private static final int BLACK_HOLE_TIMEOUTS = 3;
    /** The segment size then fallen back to (Linux tcp_base_mss). */
    private static final int BLACK_HOLE_MSS = 1024;

    private final ConnectionId id;
    private TcpConfig config;
    private final ConnectionEvents events;
    private final SegmentOutput output;
    private final TcpCounters counters;
    private final ShardResources resources;
    private final MemoryAccount memory;
    private final SendQueue sendQueue;
    private final ReassemblyQueue reassembly;
    private final SackScoreboard scoreboard = new SackScoreboard();
    // RFC 8985 RACK-TLP, used when SACK was negotiated (without SACK, NewReno's dup ACKs decide).
    private final SentSegmentLog sentLog = new SentSegmentLog();
    private final RackState rack = new RackState();
    private final TailLossProbe tlp = new TailLossProbe();
    // RFC 3522 / RFC 4015: a timeout that timestamps show to be spurious is taken back.
    private final SpuriousRtoDetection eifel = new SpuriousRtoDetection();
    private final int[] sackOrder = new int[TcpOptions.MAX_SACK_BLOCKS];
    private final int[] sackScratch = new int[2 * TcpOptions.MAX_SACK_BLOCKS];
    private final RttEstimator rtt;
    private final int[] sackEdges = new int[2 * TcpOptions.MAX_SACK_BLOCKS];
    // RFC 2883 D-SACK: a duplicate data range received, reported once as the first SACK block of the next ACK.
    private boolean dsackPending;
    private int dsackLeft;
    private int dsackRight;

    private TcpState state;
    private CloseReason closeReason;
    private boolean passiveOpen;
    private boolean orphaned;
    private Object attachment;

    // Send sequence variables (RFC 9293 §3.3.1). sndMax is the highest sequence number ever sent.
    private final int iss;
    private int sndUna;
    private int sndNxt;
    private int sndMax;
    private int sndWnd;
    private int sndWl1;
    private int sndWl2;
    private int maxSndWnd;
    private int sndWscale;
    private boolean peerOfferedWindowScale;
    private int peerMss = DEFAULT_PEER_MSS;
    /** The MSS the path takes (RFC 1191: path MTU less 40), lowered by ICMP "fragmentation needed". */
    private int pathMss = Integer.MAX_VALUE;
    private boolean finQueued;
    private int finSeq;

    // Receive sequence variables.
    private int irs;
    private int rcvNxt;
    private int rcvAdvRight;
    private int rcvWscale;
    private int unreadBytes;
    private int largestSegmentReceived;
    private boolean peerFinPending;
    private int peerFinSeq;

    // Negotiated options.
    private boolean tsOn;
    private boolean sackOn;
    private final int tsOffset;
    private int tsRecent;
    private long tsRecentAge;
    private boolean tsRecentValid;
    private int lastAckSent;

    // Congestion control (RFC 5681, 6582, 6675, 6928).
    private CongestionControl cc;
    private final ProportionalRateReduction prr = new ProportionalRateReduction();
    private boolean cwndLimited;
    private boolean inRecovery;
    private int recoveryPoint;
    private int recover;
    private boolean synAcknowledged;
    private int dupAcks;
    private boolean partialAckSeen;

    // RTT timing without timestamps (one segment at a time, RFC 6298 §3 / Karn).
    private boolean rttTiming;
    private int rttSeq;
    private long rttStart;

    // Timers: absolute deadlines, NEVER when off.
    private long rtoDeadline = NEVER;
    private long reorderDeadline = NEVER;
    private long probeDeadline = NEVER;
    private long delayedAckDeadline = NEVER;
    private long persistDeadline = NEVER;
    private long keepAliveDeadline = NEVER;
    private long timeWaitDeadline = NEVER;
    private long finWait2Deadline = NEVER;
    private final TimeWaitResetWindow reconnectReset = new TimeWaitResetWindow();
    private int retransmits;
    private int persistBackoff;
    private final ZeroWindowProbes zeroWindowProbes = new ZeroWindowProbes();
    private int keepAliveProbes;
    private long lastProgress;

    // Delayed ACK (RFC 1122 4.2.3.2, RFC 5681 §4.2).
    private boolean ackNow;
    private int bytesSinceAck;
    private final InvalidAckLimiter invalidAcks;

    private TcpConnection(ConnectionId id, TcpConfig config, int iss, int tsOffset, ConnectionEvents events,
            SegmentOutput output, ShardResources resources) {
        this.id = id;
        this.config = config;
        this.cc = config.congestionControl().newController();
        this.iss = iss;
        this.tsOffset = tsOffset;
        this.events = events;
        this.output = output;
        this.resources = resources;
        this.counters = resources.counters();
        // Seed 004 class: the connection's fair share of shard memory; its out-of-order queue may be pruned for others.
        this.memory = resources.memory().open(this::pruneOutOfOrder);
        this.sendQueue = new SendQueue(resources, memory);
        this.reassembly = new ReassemblyQueue(resources, memory, ReassemblyQueue.DEFAULT_MAX_PIECES);
        this.invalidAcks = new InvalidAckLimiter(resources);
        this.rtt = new RttEstimator(config);
        this.sndUna = iss;
        this.sndNxt = iss;
        this.sndMax = iss;
        this.recover = iss;
    }

    /** Active open (RFC 9293 §3.10.1): sends a SYN and enters SYN_SENT. */
    public static TcpConnection connect(long now, ConnectionId id, TcpConfig config, int iss, int tsOffset,
            ConnectionEvents events, SegmentOutput output, ShardResources resources) {
        TcpConnection c = new TcpConnection(id, config, iss, tsOffset, events, output, resources);
        c.setState(TcpState.SYN_SENT);
        c.lastProgress = now;
        c.sendSyn(now, false);
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
        c.takePeerSyn(now, syn);
        syn.release();
        c.sendSyn(now, true);
        return c;
    }

    /**
     * A connection rebuilt from a valid SYN cookie (RFC 4987 §3.6) when the handshake's last ACK arrives: no
     * SYN_RECEIVED state was kept, so what the SYN negotiated comes from the cookie. The connection starts
     * in SYN_RECEIVED; the caller then hands it {@code ack} (which may carry data) through
     * {@link #segmentArrived}, once it can receive the connection's events.
     *
     * @param peerWindowScale the window scale the peer's SYN offered, or -1
     * @param synAckWindow    the (unscaled) window our SYN-ACK advertised
     */
    public static TcpConnection fromCookie(long now, ConnectionId id, TcpConfig config, int iss, int tsOffset,
            TcpSegment ack, int peerMss, int peerWindowScale, boolean sackPermitted, int synAckWindow,
            ConnectionEvents events, SegmentOutput output, ShardResources resources) {
        TcpConnection c = new TcpConnection(id, config, iss, tsOffset, events, output, resources);
        c.setState(TcpState.SYN_RECEIVED);
        c.passiveOpen = true;
        c.lastProgress = now;
        c.irs = ack.seq - 1;
        c.rcvNxt = ack.seq;
        c.rcvAdvRight = ack.seq + synAckWindow;
        c.lastAckSent = ack.seq;
        c.peerMss = c.boundedPeerMss(peerMss);
        c.peerOfferedWindowScale = peerWindowScale >= 0;
        if (c.peerOfferedWindowScale) {
            c.sndWscale = Math.min(peerWindowScale, TcpConfig.MAX_WINDOW_SCALE);
            c.rcvWscale = config.effectiveWindowScale();
        }
        // Timestamps were negotiated exactly when the handshake's last ACK carries them (RFC 7323 §3.2).
        c.tsOn = config.timestamps() && ack.options.hasTimestamps;
        if (c.tsOn) {
            c.tsRecent = ack.options.tsVal;
            c.tsRecentAge = now;
            c.tsRecentValid = true;
        }
        c.sackOn = config.sack() && sackPermitted;
        c.sndNxt = iss + 1;
        c.sndMax = iss + 1;
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
        return finQueued;
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
                && (!keepAliveWasOn || keepAliveDeadline == NEVER || idleChanged)) {
            armKeepAlive(now);
        } else if (!newConfig.keepAlive()) {
            keepAliveDeadline = NEVER;
        }
    }

    /** Bytes the application may still queue before the send buffer is full. */
    public int sendSpace() {
        int bufferRoom = config.sendBuffer() - sendQueue.bytes();
        if (bufferRoom <= 0) {
            return 0;
        }
        // Beyond its share of the shard's memory (ShardMemory) writers wait: backpressure, not loss.
        return (int) Math.max(0, Math.min(bufferRoom, memory.sendRoom()));
    }

    /** Send-Q as netstat shows it: bytes queued and not yet acknowledged. */
    public int sendQueueBytes() {
        return sendQueue.bytes();
    }

    /** Recv-Q as netstat shows it: bytes received in order and not yet read by the application. */
    public int receiveQueueBytes() {
        return unreadBytes;
    }

    public int outOfOrderBytes() {
        return reassembly.bytes();
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
        return Math.max(1, segmentSizeLimit() - (tsOn ? TS_OPTION_BYTES : 0));
    }

    /** Header-less segment size the peer, our config and the path take (RFC 9293 §3.7.1, RFC 1191). */
    private int segmentSizeLimit() {
        return Math.min(Math.min(peerMss, config.mss()), pathMss);
    }

    /**
     * An ICMP "fragmentation needed" (RFC 1191 §6) said the path takes only {@code mtu} octets, quoting a segment
     * that started at {@code seq}. Taken only when that sequence number is in flight (RFC 5927 §4.1) in a
     * synchronized state and the MTU is lower than the one in use; then the MSS drops to {@code mtu - 40} and the
     * first unacknowledged segment is sent again at once, as Linux's tcp_simple_retransmit. Returns whether taken.
     */
    public boolean lowerPathMtu(long now, int seq, int mtu) {
        int mss = mtu - 40;
        if (!state.isSynchronized() || !Seq.ge(seq, sndUna) || !Seq.lt(seq, sndMax) || mss >= segmentSizeLimit()
                || mss < 1) {
            return false;
        }
        pathMss = mss;
        retransmitFirstUnacked(now);
        return true;
    }

    public int sndUna() {
        return sndUna;
    }

    public int sndNxt() {
        return sndNxt;
    }

    public int rcvNxt() {
        return rcvNxt;
    }

    public int iss() {
        return iss;
    }

    public int irs() {
        return irs;
    }

    public boolean timestampsEnabled() {
        return tsOn;
    }

    public boolean sackEnabled() {
        return sackOn;
    }

    public int sendWindowScale() {
        return sndWscale;
    }

    public int receiveWindowScale() {
        return rcvWscale;
    }

    public int peerWindow() {
        return sndWnd;
    }

    /** Whether the handshake started from a listener (passive open). */
    public boolean isPassiveOpen() {
        return passiveOpen;
    }

    /** The earliest time at which {@link #onTimer(long)} has work to do, or Long.MAX_VALUE. */
    public long nextDeadline() {
        long d = rtoDeadline;
        if (reorderDeadline < d) d = reorderDeadline;
        if (probeDeadline < d) d = probeDeadline;
        if (delayedAckDeadline < d) d = delayedAckDeadline;
        if (persistDeadline < d) d = persistDeadline;
        if (keepAliveDeadline < d) d = keepAliveDeadline;
        if (timeWaitDeadline < d) d = timeWaitDeadline;
        if (finWait2Deadline < d) d = finWait2Deadline;
        return d;
    }

    /** The timer netstat shows: "on" (retransmission), "probe" (persist), "keepalive", "timewait", or "off". */
    public ConnectionTimer activeTimer(long now) {
        if (timeWaitDeadline != NEVER) return new ConnectionTimer("timewait", timeWaitDeadline - now, 0);
        // Like Linux's /proc/net/tcp, the RACK reorder and loss probe timers show as the retransmission timer.
        long on = Math.min(rtoDeadline, Math.min(reorderDeadline, probeDeadline));
        if (on != NEVER) return new ConnectionTimer("on", on - now, retransmits);
        if (persistDeadline != NEVER) return new ConnectionTimer("probe", persistDeadline - now, persistBackoff);
        if (finWait2Deadline != NEVER) return new ConnectionTimer("timewait", finWait2Deadline - now, 0);
        if (keepAliveDeadline != NEVER) return new ConnectionTimer("keepalive", keepAliveDeadline - now, keepAliveProbes);
        return new ConnectionTimer("off", 0, 0);
    }

    // ------------------------------------------------------------------------------------------------
    // User calls (RFC 9293 §3.10.2 - 3.10.6)

    /** Queues data to send; ownership of {@code data} passes to the connection. Call {@link #flush} to send. */
    public void write(ByteBuf data) {
        if (state == TcpState.CLOSED || finQueued) {
            data.release();
            throw new IllegalStateException(finQueued ? "connection output is shut down" : "connection is closed");
        }
        sendQueue.add(data);
    }

    /** Sends what the windows allow of the queued data. */
    public void flush(long now) {
        if (state.isSynchronized() || state == TcpState.CLOSE_WAIT) {
            output(now);
        }
    }

    /** The application read {@code bytes} of delivered data: the receive window may open again. */
    public void consumed(long now, int bytes) {
        if (bytes <= 0 || state == TcpState.CLOSED) {
            return;
        }
        int before = currentWindow();
        unreadBytes = Math.max(0, unreadBytes - bytes);
        if (!state.isSynchronized() || state.isReceiveClosed()) {
            return;
        }
        // RFC 9293 §3.8.6.2.2: announce the opening window only when it is worth a segment; else let
        // the next ACK carry it.
        int after = freeReceiveSpace();
        int mss = receiveMssEstimate();
        if (before < 2 * mss && after - before >= Math.min(config.receiveBuffer() / 2, 2 * mss)) {
            sendAck(now);
        }
    }

    /** Half-close (RFC 9293 §3.10.4): a FIN follows the queued data; receiving goes on. */
    public void shutdownOutput(long now) {
        switch (state) {
            case SYN_SENT -> close(CloseReason.NORMAL, now);
            case SYN_RECEIVED, ESTABLISHED -> {
                queueFin();
                setState(TcpState.FIN_WAIT_1);
                output(now);
            }
            case CLOSE_WAIT -> {
                queueFin();
                setState(TcpState.LAST_ACK);
                output(now);
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
        if (unreadBytes > 0 || !reassembly.isEmpty()) {
            abort(now);
            return;
        }
        shutdownOutput(now);
        if (state == TcpState.FIN_WAIT_2) {
            finWait2Deadline = now + config.finWait2TimeoutNanos();
        }
    }

    /** Abort (RFC 9293 §3.10.5): RST to the peer where it holds state, then CLOSED. */
    public void abort(long now) {
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED, FIN_WAIT_1, FIN_WAIT_2, CLOSE_WAIT, CLOSING, LAST_ACK -> sendReset(now);
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
        if (timeWaitDeadline <= now) {
            timeWaitDeadline = NEVER;
            close(CloseReason.NORMAL, now);
            return;
        }
        if (finWait2Deadline <= now) {
            finWait2Deadline = NEVER;
            if (state == TcpState.FIN_WAIT_2) {
                counters.finWait2Timeouts++;
                sendReset(now);
                close(CloseReason.FIN_WAIT_2_TIMEOUT, now);
                return;
            }
        }
        if (reorderDeadline <= now) {
            reorderDeadline = NEVER;
            reorderTimeout(now);
        }
        if (probeDeadline <= now) {
            probeDeadline = NEVER;
            probeTimeout(now); // before the RTO: a PTO capped at the RTO's expiry probes instead (RFC 8985 §7.2)
        }
        if (rtoDeadline <= now) {
            rtoDeadline = NEVER;
            retransmitTimeout(now);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (persistDeadline <= now) {
            persistDeadline = NEVER;
            persistTimeout(now);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (keepAliveDeadline <= now) {
            keepAliveDeadline = NEVER;
            keepAliveTimeout(now);
            if (state == TcpState.CLOSED) {
                return;
            }
        }
        if (delayedAckDeadline <= now) {
            delayedAckDeadline = NEVER;
            sendAck(now);
        }
    }

    private void retransmitTimeout(long now) {
        boolean synState = state == TcpState.SYN_SENT || state == TcpState.SYN_RECEIVED;
        if (!synState && sndMax == sndUna) {
            return; // nothing outstanding
        }
        // RFC 1122 4.2.2.17 (Linux tcp_retransmit_timer): the peer shrank its window to zero under data in
        // flight, so nothing may be resent; the timeout probes the window instead, bounded like the persist timer.
        boolean windowClosed = !synState && sndWnd == 0 && Seq.lt(sndUna, dataEndSeq());
        if (windowClosed) {
            if (probingGaveUp(now, rtt.rto())) {
                return;
            }
        } else if (++retransmits > retryLimit()) {
            giveUp(now, synState ? CloseReason.CONNECT_TIMEOUT : CloseReason.RETRANSMIT_TIMEOUT);
            return;
        }
        if (!synState && userTimedOut(now)) {
            giveUp(now, CloseReason.USER_TIMEOUT);
            return;
        }
        counters.retransmitTimeouts++;
        rtt.backOff(); // RFC 6298 §5.5
        if (synState) {
            counters.synRetransmits++;
            sendSyn(now, state == TcpState.SYN_RECEIVED);
            return;
        }
        // RFC 3522 / RFC 4015: only the first timeout out of calm (no fast recovery, no earlier
        // timeout still being repaired) can be taken back, and only with timestamps to tell the ACKs apart.
        boolean undoable = tsOn && !inRecovery && Seq.ge(sndUna, recover);
        int priorCwnd = cc.cwnd();
        int priorSsthresh = cc.ssthresh();
        int priorRecover = recover;
        int flight = sndMax - sndUna;
        cc.onRetransmitTimeout(now, flight, sendMss());
        inRecovery = false;
        dupAcks = 0;
        recover = sndMax; // RFC 6582 §3.2 step 4 after a timeout
        // RFC 6675 §5.1 / RFC 8985 §6.3: SACKed data stays SACKed, as in Linux; reneging (RFC 2018 §8) is caught
        // where an ACK stops at SACKed data (ackAdvanced), which then forgets the SACK information.
        tlp.reset(); // the probe episode ends with the timeout
        reorderDeadline = NEVER;
        probeDeadline = NEVER;
        rttTiming = false;
        if (retransmits == BLACK_HOLE_TIMEOUTS && segmentSizeLimit() > BLACK_HOLE_MSS && flight >= sendMss()) {
            pathMss = BLACK_HOLE_MSS; // full-sized segments keep timing out and no ICMP came: try smaller ones
            counters.blackHoleMssReductions++;
        }
        sndNxt = sndUna; // go back N: resend from the first unacknowledged byte, skipping what the peer holds
        if (finQueued && Seq.ge(sndUna, finSeq)) {
            counters.finRetransmits++;
        }
        output(now);
        if (windowClosed) {
            sendWindowProbe(now);
        }
        if (undoable && Seq.gt(sndNxt, sndUna)) {
            // RFC 3522 RetransmitTS: the TSval every segment sent now carries.
            eifel.arm(tsClock(now), sndUna, sndNxt, priorCwnd, priorSsthresh, priorRecover);
        }
        armRetransmitTimer(now);
    }

    private int retryLimit() {
        return switch (state) {
            case SYN_SENT -> config.synRetries();
            case SYN_RECEIVED -> config.synAckRetries();
            // Seed 003 (Q254930): a closing connection must not wait for an absent peer forever.
            case FIN_WAIT_1, CLOSING, LAST_ACK -> Math.min(config.orphanRetries(), config.dataRetries());
            default -> orphaned ? Math.min(config.orphanRetries(), config.dataRetries()) : config.dataRetries();
        };
    }

    private boolean userTimedOut(long now) {
        return config.userTimeoutNanos() > 0 && now - lastProgress >= config.userTimeoutNanos();
    }

    private void giveUp(long now, CloseReason reason) {
        if (reason == CloseReason.CONNECT_TIMEOUT || reason == CloseReason.RETRANSMIT_TIMEOUT) {
            counters.connectionTimeouts++;
        }
        if (state.isSendClosed()) {
            counters.orphanRetriesExhausted++;
        }
        if (state != TcpState.SYN_SENT) {
            sendReset(now); // RFC 9293 §3.8.3: R2 exceeded, close the connection
        }
        close(reason, now);
    }

    private void persistTimeout(long now) {
        if (!hasUnsentData()) {
            persistBackoff = 0;
            return;
        }
        if (usableWindow() > 0) {
            // The window opened but was too small to pass sender SWS avoidance: the override timeout
            // of RFC 1122 4.2.3.4 sends what fits.
            persistBackoff = 0;
            output(now, true);
            return;
        }
        if (probingGaveUp(now, persistInterval())) {
            return;
        }
        sendWindowProbe(now);
        persistBackoff++;
        armPersistTimer(now);
    }

    /**
     * RFC 9293 §3.8.6.1 / RFC 1122 4.2.2.17: probe the zero window. Like Linux, the probe carries an old
     * sequence number so it cannot be taken as data, and the peer must answer with an ACK.
     */
    private void sendWindowProbe(long now) {
        counters.persistProbes++;
        zeroWindowProbes.probeSent();
        transmitControl(now, sndUna - 1, TcpFlags.ACK);
    }

    /**
     * Seed 003 (Q254930) for a closed window: probing ends, with a RST, once the user timeout passed (RFC 5482),
     * the probes went unanswered up to the retry limit, or an orphan used up its retries (Linux tcp_probe_timer).
     * An orphan also gives up once its probe interval has backed off to the RTO maximum (Linux: not "alive").
     * Returns whether the connection gave up.
     *
     * @param nextInterval the wait before the probe that would be sent next
     */
    private boolean probingGaveUp(long now, long nextInterval) {
        if (userTimedOut(now)) {
            giveUp(now, CloseReason.USER_TIMEOUT);
            return true;
        }
        boolean orphanBackedOff = orphaned && zeroWindowProbes.sent() > 0 && nextInterval >= config.rtoMaxNanos();
        if (zeroWindowProbes.exhausted(retryLimit(), orphaned) || orphanBackedOff) {
            counters.persistTimeouts++;
            giveUp(now, CloseReason.PERSIST_TIMEOUT);
            return true;
        }
        return false;
    }

    private void keepAliveTimeout(long now) {
        // Like Linux, a half-closed FIN_WAIT_2 keeps probing too: its peer may have vanished.
        if (!config.keepAlive() || !(state == TcpState.ESTABLISHED || state == TcpState.CLOSE_WAIT
                || state == TcpState.FIN_WAIT_2)) {
            return;
        }
        if (sndMax != sndUna) {
            // Data outstanding: the retransmission timer watches the peer.
            keepAliveDeadline = now + config.keepAliveIdleNanos();
            return;
        }
        if (keepAliveProbes >= config.keepAliveCount()) {
            giveUp(now, CloseReason.KEEPALIVE_TIMEOUT);
            return;
        }
        // RFC 1122 4.2.3.6: a probe with SEG.SEQ = SND.NXT - 1 and no data.
        counters.keepaliveProbes++;
        keepAliveProbes++;
        transmitControl(now, sndUna - 1, TcpFlags.ACK);
        keepAliveDeadline = now + config.keepAliveIntervalNanos();
    }

    private void armRetransmitTimer(long now) {
        rtoDeadline = capByUserTimeout(now + rtt.rto());
    }

    /** RFC 5482: with a user timeout, the timers fire no later than the moment it expires. */
    private long capByUserTimeout(long deadline) {
        long limit = config.userTimeoutNanos();
        return limit > 0 ? Math.min(deadline, lastProgress + limit) : deadline;
    }

    private void armPersistTimer(long now) {
        persistDeadline = capByUserTimeout(now + persistInterval());
    }

    /** The persist timer's backed-off interval, capped at the RTO maximum like Linux's probe timer. */
    private long persistInterval() {
        long interval = Math.min(config.rtoMaxNanos(), rtt.rto() << Math.min(persistBackoff, 20));
        return Math.max(interval, config.rtoMinNanos());
    }

    private void armKeepAlive(long now) {
        if (config.keepAlive()) {
            keepAliveDeadline = now + config.keepAliveIdleNanos();
        }
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
                case TIME_WAIT -> timeWaitArrival(now, seg);
                default -> synchronizedArrival(now, seg);
            }
        } finally {
            seg.release();
        }
        if (state != TcpState.CLOSED && ackNow) {
            sendAck(now);
        }
    }

    /** RFC 9293 §3.10.7.3. */
    private void synSentArrival(long now, TcpSegment seg) {
        boolean ackFlag = seg.has(TcpFlags.ACK);
        if (ackFlag && (Seq.le(seg.ack, iss) || Seq.gt(seg.ack, sndMax))) {
            if (!seg.has(TcpFlags.RST)) {
                transmitReset(seg.ack);
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
        takePeerSyn(now, seg);
        if (ackFlag) {
            sndWnd = seg.window; // RFC 7323 §2.2: the window in a SYN-ACK is not scaled
            sndWl1 = seg.seq;
            sndWl2 = seg.ack;
            maxSndWnd = sndWnd;
            ackAdvanced(now, seg, seg.ack);
            establish(now);
            ackNow = true;
            output(now);
        } else {
            // Simultaneous open (RFC 9293 §3.5, figure 8).
            setState(TcpState.SYN_RECEIVED);
            sendSyn(now, true);
        }
    }

    /** Records what the peer's SYN tells: its ISN, MSS, window scale, timestamps and SACK permission. */
    private void takePeerSyn(long now, TcpSegment syn) {
        irs = syn.seq;
        rcvNxt = syn.seq + 1;
        rcvAdvRight = rcvNxt;
        lastAckSent = rcvNxt;
        TcpOptions o = syn.options;
        peerMss = o.mss > 0 ? boundedPeerMss(o.mss) : DEFAULT_PEER_MSS;
        peerOfferedWindowScale = o.windowScale >= 0;
        if (peerOfferedWindowScale) { // our SYN always offers it, so it applies when the peer's does (RFC 7323 §1.3)
            sndWscale = Math.min(o.windowScale, TcpConfig.MAX_WINDOW_SCALE); // RFC 7323 §2.3
            rcvWscale = config.effectiveWindowScale();
        } else {
            sndWscale = 0;
            rcvWscale = 0;
        }
        tsOn = config.timestamps() && o.hasTimestamps;
        if (tsOn) {
            tsRecent = o.tsVal;
            tsRecentAge = now;
            tsRecentValid = true;
        }
        sackOn = config.sack() && o.sackPermitted;
        sndWnd = syn.window; // RFC 7323 §2.2: the window in a SYN is not scaled
        sndWl1 = syn.seq;
        maxSndWnd = sndWnd;
    }

    private int boundedPeerMss(int advertised) {
        if (advertised < MIN_PEER_MSS) {
            counters.peerMssClamped++;
            return MIN_PEER_MSS;
        }
        return advertised;
    }

    private void establish(long now) {
        setState(TcpState.ESTABLISHED);
        cc.start(now, config.initialCwndSegments() * sendMss()); // RFC 6928, counted in segments as Linux does
        retransmits = 0;
        rtoDeadline = NEVER;
        lastProgress = now;
        armKeepAlive(now);
        events.onEstablished(this);
    }

    /**
     * TIME_WAIT (RFC 9293 §3.10.7.4): only a retransmitted FIN matters; RST is ignored (RFC 1337) except the
     * peer's answer to our ACK of its reconnect SYN (decision 0007).
     */
    private void timeWaitArrival(long now, TcpSegment seg) {
        if (seg.has(TcpFlags.RST)) {
            if (reconnectReset.admits(now, seg.seq, rcvNxt)) {
                counters.timeWaitResetReleases++;
                close(CloseReason.REPLACED, now); // the 4-tuple is free for the client's next SYN
            } else {
                counters.timeWaitResetsIgnored++; // RFC 1337 TIME-WAIT assassination fix
            }
            return;
        }
        if (seg.has(TcpFlags.SYN)) {
            // The owner admits provably new SYNs (RFC 6191) before this point; any other gets the old ACK.
            ackNow = invalidAcks.allowChallengeAck(now);
            if (ackNow && !seg.has(TcpFlags.ACK) && seg.seq != irs) { // not a duplicate of this connection's SYN
                reconnectReset.open(now, rtt.rto());
            }
            return;
        }
        if (seg.has(TcpFlags.FIN)) {
            if (isPeerFinAgain(seg)) {
                // The peer lost our ACK of its FIN: ACK again and restart the 2*MSL timer (RFC 9293 §3.10.7.4).
                timeWaitDeadline = now + config.timeWaitNanos();
                ackNow = true;
            } else {
                // Not the peer's FIN (RFC 9293 §3.10.7.4 acceptability): an ACK at most, and TIME_WAIT is not
                // extended, so forged or stray FINs cannot keep the entry alive.
                ackNow = invalidAcks.allowInvalidAnswer(now);
            }
            return;
        }
        if (seg.payloadLength() > 0) {
            ackNow = true;
        }
    }

    /** A retransmission of the FIN that brought us here: its FIN has the sequence number just below RCV.NXT. */
    private boolean isPeerFinAgain(TcpSegment seg) {
        boolean pawsOk = !tsOn || !seg.options.hasTimestamps || Seq.ge(seg.options.tsVal, tsRecent); // RFC 7323 §5.3
        return pawsOk && seg.seq + seg.payloadLength() == rcvNxt - 1;
    }

    /** RFC 9293 §3.10.7.4 for SYN_RECEIVED and the synchronized states, in the RFC's order. */
    private void synchronizedArrival(long now, TcpSegment seg) {
        boolean rst = seg.has(TcpFlags.RST);
        int segLen = seg.seqLength();
        if (state == TcpState.SYN_RECEIVED && seg.has(TcpFlags.SYN) && !seg.has(TcpFlags.ACK) && seg.seq == irs) {
            // The peer did not get our SYN-ACK and repeated its SYN.
            sendSyn(now, true);
            return;
        }

        // RFC 7323 §5.3 R1: PAWS.
        if (tsOn && seg.options.hasTimestamps && tsRecentValid && !rst && Seq.lt(seg.options.tsVal, tsRecent)) {
            if (now - tsRecentAge > PAWS_IDLE_LIMIT_NANOS) {
                tsRecentValid = false; // RFC 7323 §5.5
            } else {
                counters.pawsRejected++;
                if (seg.payloadLength() > 0) {
                    noteDuplicate(seg.seq, seg.seq + seg.payloadLength()); // like Linux's tcp_send_dupack
                }
                ackNow = invalidAcks.allowDuplicateAck(now, seg); // Linux tcp_invalid_ratelimit
                return;
            }
        }

        // First: sequence number acceptability (§3.10.7.4 table).
        int rcvWnd = Math.max(0, rcvAdvRight - rcvNxt);
        boolean acceptable;
        boolean dataFitsWindow = true;
        if (segLen == 0) {
            // Like Linux (tcp_sequence), a dataless segment at exactly the right edge is accepted: a peer
            // that filled our window sends its ACKs with SEQ = RCV.NXT + RCV.WND, and refusing them can
            // deadlock two ends that each wait for the other's acknowledgment.
            acceptable = Seq.between(seg.seq, rcvNxt, rcvNxt + rcvWnd);
        } else if (rcvWnd == 0) {
            // A zero window accepts no data, but the ACK, RST and URG in it still count (§3.10.7.4).
            acceptable = seg.seq == rcvNxt;
            dataFitsWindow = false;
        } else {
            acceptable = Seq.inWindow(seg.seq, rcvNxt, rcvNxt + rcvWnd)
                    || Seq.inWindow(seg.seq + segLen - 1, rcvNxt, rcvNxt + rcvWnd);
        }
        if (!acceptable) {
            counters.unacceptableSegments++;
            if (!rst && seg.payloadLength() > 0) {
                noteDuplicate(seg.seq, seg.seq + seg.payloadLength());
            }
            if (!rst) {
                // RFC 5961 §4.2: an out-of-window SYN gets a challenge ACK; others a rate-limited duplicate ACK.
                ackNow = seg.has(TcpFlags.SYN) ? invalidAcks.allowChallengeAck(now) : invalidAcks.allowDuplicateAck(now, seg);
            }
            return;
        }

        // RFC 7323 §4.3 (3): remember the timestamp of the segment that covers Last.ACK.sent.
        // After the RFC 7323 §5.5 invalidation any timestamp is newer than the forgotten TS.Recent.
        if (tsOn && seg.options.hasTimestamps && (!tsRecentValid || Seq.ge(seg.options.tsVal, tsRecent))
                && Seq.le(seg.seq, lastAckSent)) {
            tsRecent = seg.options.tsVal;
            tsRecentAge = now;
            tsRecentValid = true;
        }

        // Second: RST (RFC 9293 §3.10.7.4 with the RFC 5961 §3.2 exact-match rule).
        if (rst) {
            if (seg.seq != rcvNxt) {
                // RFC 5961 §3.2: an in-window RST not exactly at RCV.NXT may be forged; challenge it.
                ackNow = invalidAcks.allowChallengeAck(now);
                return;
            }
            counters.resetsReceived++;
            // After both FINs a reset loses nothing, unless our data was still unacknowledged.
            boolean allDataAcked = finQueued && Seq.ge(sndUna, finSeq);
            CloseReason reason = state == TcpState.SYN_RECEIVED && !passiveOpen ? CloseReason.REFUSED
                    : (state == TcpState.LAST_ACK || state == TcpState.CLOSING) && allDataAcked ? CloseReason.NORMAL
                    : CloseReason.RESET_BY_PEER;
            close(reason, now);
            return;
        }

        // Fourth: SYN in a synchronized state gets a challenge ACK (RFC 5961 §4, RFC 9293 §3.10.7.4).
        if (seg.has(TcpFlags.SYN)) {
            ackNow = invalidAcks.allowChallengeAck(now);
            return;
        }

        // Fifth: ACK.
        if (!seg.has(TcpFlags.ACK)) {
            return;
        }
        keepAliveProbes = 0;
        if (keepAliveDeadline != NEVER) {
            armKeepAlive(now);
        }
        if (state == TcpState.SYN_RECEIVED) {
            if (Seq.lt(sndUna, seg.ack) && Seq.le(seg.ack, sndMax)) {
                if (!events.admitEstablished(this)) {
                    return; // accept queue full: stay in SYN_RECEIVED, the peer's next ACK retries
                }
                sndWnd = seg.window << sndWscale;
                sndWl1 = seg.seq;
                sndWl2 = seg.ack;
                maxSndWnd = Math.max(maxSndWnd, sndWnd);
                ackAdvanced(now, seg, seg.ack);
                establish(now);
            } else {
                transmitReset(seg.ack);
                return;
            }
        } else if (!processAck(now, seg)) {
            return;
        }

        // Sixth/seventh: segment text.
        int payloadLen = seg.payloadLength();
        if (payloadLen > 0 && dataFitsWindow) {
            if (state == TcpState.ESTABLISHED || state == TcpState.FIN_WAIT_1 || state == TcpState.FIN_WAIT_2) {
                if (orphaned && Seq.gt(seg.seq + payloadLen, rcvNxt)) {
                    // New data nobody will read; tell the peer (RFC 9293 §3.10.7.4, RFC 1122 4.2.2.13).
                    // Retransmitted old data is not new and only needs the ACK below.
                    sendReset(now);
                    close(CloseReason.DATA_AFTER_CLOSE, now);
                    return;
                }
                receiveText(now, seg);
            }
        } else if (payloadLen > 0) {
            ackNow = true;
        }

        // Eighth: FIN. Like Linux (tcp_data_queue), a bare FIN at RCV.NXT is taken even by a zero window: it needs no
        // buffer space, and refusing it would leave the peer retransmitting its FIN until it gives up.
        boolean bareFinAtRcvNxt = payloadLen == 0 && seg.seq == rcvNxt;
        if (seg.has(TcpFlags.FIN) && (dataFitsWindow || bareFinAtRcvNxt)) {
            int segFinSeq = seg.seq + payloadLen;
            if (Seq.inWindow(segFinSeq, rcvNxt, rcvAdvRight + 1)) {
                peerFinPending = true;
                peerFinSeq = segFinSeq;
            }
            ackNow = true;
        }
        if (peerFinPending && peerFinSeq == rcvNxt) {
            peerFinPending = false;
            finArrived(now);
        }
    }

    /** ACK processing for the synchronized states; false when the segment is to be dropped. */
    private boolean processAck(long now, TcpSegment seg) {
        int ack = seg.ack;
        if (Seq.gt(ack, sndMax)) {
            ackNow = invalidAcks.allowChallengeAck(now); // acknowledges something not yet sent (§3.10.7.4, RFC 5961 §5.2)
            return false;
        }
        // RFC 5961 §5.2: an ACK too far below SND.UNA is dropped with an ACK.
        if (Seq.lt(ack, sndUna - Math.max(maxSndWnd, 1))) {
            ackNow = invalidAcks.allowChallengeAck(now);
            return false;
        }
        zeroWindowProbes.answered(); // the peer is alive, whatever window it offers (Linux: icsk_probes_out = 0)
        int oldWnd = sndWnd;
        int oldUna = sndUna;
        int oldSacked = scoreboard.sackedBytes();
        boolean newlySacked = false;
        if (sackOn && seg.options.sackBlockCount() > 0) {
            for (int i = 0; i < seg.options.sackBlockCount(); i++) {
                newlySacked |= scoreboard.add(seg.options.sackLeft(i), seg.options.sackRight(i), sndUna, sndMax);
            }
        }
        if (sackOn) {
            boolean echo = tsOn && seg.options.hasTimestamps && seg.options.tsEcr != 0;
            rack.beginAck(now, echo, seg.options.tsEcr - tsOffset);
        }
        // RFC 2883 §4: a first block below the ACK, or inside the second block, reports a duplicate.
        int blocks = seg.options.sackBlockCount();
        boolean dsack = sackOn && blocks > 0 && (Seq.le(seg.options.sackRight(0), ack) || (blocks > 1
                && Seq.ge(seg.options.sackLeft(0), seg.options.sackLeft(1))
                && Seq.le(seg.options.sackRight(0), seg.options.sackRight(1))));
        // Window update rule of §3.10.7.4 (SND.WL1/WL2).
        if (Seq.ge(ack, sndUna) && (Seq.lt(sndWl1, seg.seq) || (sndWl1 == seg.seq && Seq.le(sndWl2, ack)))) {
            sndWnd = seg.window << sndWscale;
            sndWl1 = seg.seq;
            sndWl2 = ack;
            if (sndWnd > maxSndWnd) {
                maxSndWnd = sndWnd;
            }
        }
        boolean duplicate = false;
        if (Seq.gt(ack, sndUna)) {
            ackAdvanced(now, seg, ack);
        } else if (ack == sndUna && sndMax != sndUna && seg.payloadLength() == 0
                && !seg.has(TcpFlags.SYN) && !seg.has(TcpFlags.FIN) && sndWnd == oldWnd) {
            duplicate = true;
            duplicateAck(now); // RFC 5681 §2 DUPLICATE ACKNOWLEDGMENT
        }
        if (state == TcpState.CLOSED) {
            return false;
        }
        if (sackOn && canSendData()) {
            rackOnAck(now, seg, sndUna != oldUna, duplicate, newlySacked, dsack);
        }
        if (inRecovery && sackOn && cc.proportionalRateReduction()) {
            // RFC 6937: DeliveredData = change in SND.UNA + change in SACKed bytes; the ACK may send sndcnt more.
            int delivered = Math.max(0, (sndUna - oldUna) + (scoreboard.sackedBytes() - oldSacked));
            int pipe = pipe();
            cc.setCwnd(pipe + prr.onAck(delivered, pipe, sendMss()));
        }
        boolean finAcked = finQueued && Seq.gt(sndUna, finSeq);
        switch (state) {
            case FIN_WAIT_1 -> {
                if (finAcked) {
                    setState(TcpState.FIN_WAIT_2);
                    if (orphaned) {
                        finWait2Deadline = now + config.finWait2TimeoutNanos();
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
        if (inRecovery || sentLog.lostBytes() > 0 || hasUnsentData() || (finQueued && !finSent())) {
            output(now);
        }
        return true;
    }

    /** SND.UNA moves forward to {@code ack}. */
    private void ackAdvanced(long now, TcpSegment seg, int ack) {
        int oldUna = sndUna;
        // Not "oldUna == ISS": after 2^32 bytes SND.UNA passes the ISS again, and the SYN is acknowledged once.
        boolean synAcked = !synAcknowledged;
        synAcknowledged = true;
        boolean finAcked = finQueued && Seq.le(oldUna, finSeq) && Seq.gt(ack, finSeq);
        int dataAcked = ack - oldUna - (synAcked ? 1 : 0) - (finAcked ? 1 : 0);
        sndUna = ack;
        if (Seq.lt(sndNxt, sndUna)) {
            sndNxt = sndUna;
        }
        if (Seq.gt(sndUna, recover)) {
            // RFC 6582 recover is only compared with SND.UNA: once passed, it stays just behind, so that the serial
            // comparison cannot flip after 2^31 bytes acknowledged without loss (which would block fast retransmit).
            recover = sndUna - 1;
        }
        sendQueue.removeBefore(streamOffset(Seq.min(ack, dataEndSeq())));
        scoreboard.ackTo(sndUna);
        sentLog.ackTo(sndUna, rack);
        if (!scoreboard.isEmpty() && scoreboard.left(0) == sndUna) {
            // RFC 2018 §8 reneging (Linux tcp_check_sack_reneging): a receiver holding SACKed data at RCV.NXT
            // would have acknowledged it, so it discarded it. Forget the SACKs; RACK or the RTO resend it all.
            scoreboard.clear();
            sentLog.clearMarks();
        }
        lastProgress = now;
        retransmits = 0;
        persistBackoff = 0;
        zeroWindowProbes.progressed();
        boolean echo = tsOn && seg.options.hasTimestamps && seg.options.tsEcr != 0;
        boolean spuriousRto = eifel.onAcceptableAck(echo, seg.options.tsEcr);

        // RTT: from the timestamp echo (RFC 7323 §4.1), else from the one timed segment (Karn's rule). After a
        // spurious timeout the echo names the original transmission, so the sample measures the late ACK's delay
        // and the RTO grows to cover it (RFC 4015's restart of the estimator from new data is not done).
        if (echo) {
            long sentMillis = (seg.options.tsEcr - tsOffset) & 0xffffffffL;
            long nowMillis = tsClock(now) - tsOffset & 0xffffffffL;
            long rttMillis = (nowMillis - sentMillis) & 0xffffffffL;
            if (rttMillis < 3_600_000L) {
                rtt.sample(rttMillis * 1_000_000L);
                cc.onRttSample(now, rttMillis * 1_000_000L, rtt.srtt());
            }
        } else if (rttTiming && Seq.gt(ack, rttSeq)) {
            rttTiming = false;
            rtt.sample(now - rttStart);
            cc.onRttSample(now, now - rttStart, rtt.srtt());
        }

        if (state.isSynchronized()) {
            congestionOnAck(now, ack, Math.max(dataAcked, 0));
        }
        if (spuriousRto) {
            undoSpuriousTimeout();
        }
        dupAcks = inRecovery ? dupAcks : 0;
        // RFC 6298 §5.2/5.3: stop the timer when all is acknowledged, else restart it.
        if (sndMax == sndUna) {
            rtoDeadline = NEVER;
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
        sndNxt = sndMax;
        cc.undo(eifel.priorCwnd(), eifel.priorSsthresh());
        recover = eifel.priorRecover(); // out of timeout recovery: RACK, the probe and fast recovery apply again
    }

    private void congestionOnAck(long now, int ack, int acked) {
        int mss = sendMss();
        if (inRecovery) {
            if (Seq.ge(ack, recoveryPoint)) {
                // Full acknowledgment: leave recovery (RFC 6582 §3.2 step 3, RFC 6675 §5).
                inRecovery = false;
                rack.recoveryEnded();
                dupAcks = 0;
                int flight = sndMax - sndUna;
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
        cc.onAck(now, acked, ack, sndNxt, mss, cwndLimited);
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
                output(now); // with PRR the window for this ACK is set after its SACKs are counted
            }
            return;
        }
        if (sackOn) {
            // RACK decides from the SACKs (RFC 8985 §3.4); DupThresh only for a peer that SACKs nothing.
            if (dupAcks >= SackScoreboard.DUP_THRESH && scoreboard.isEmpty() && !sentLog.isEmpty()
                    && sndNxt == sndMax && Seq.ge(sndUna, recover)) {
                sentLog.markLost(0);
                enterRecovery(now);
            }
            return;
        }
        // RFC 6582 §3.2 step 2: no second fast retransmit for losses of the same window.
        if (dupAcks >= SackScoreboard.DUP_THRESH && sndNxt == sndMax && Seq.gt(sndUna, recover)) {
            enterRecovery(now);
        }
    }

    private void enterRecovery(long now) {
        int mss = sendMss();
        counters.fastRetransmits++;
        int flight = sndMax - sndUna;
        cc.onFastRecovery(now, flight, mss);
        recoveryPoint = sndMax;
        recover = sndMax;
        inRecovery = true;
        partialAckSeen = false;
        rttTiming = false;
        if (sackOn) {
            tlp.reset(); // fast recovery takes over from the probe (RFC 8985 §7.4)
            probeDeadline = NEVER;
            if (cc.proportionalRateReduction()) {
                prr.start(cc.ssthresh(), flight); // RFC 6937: RecoverFS, the flight at the start
                // Segments RACK already marked lost go out up to ssthresh now, as RFC 6675 and Linux (which keeps
                // cwnd until the next ACK) do; from the next ACK on, PRR's sndcnt decides. Holding them back to
                // the pipe starved recoveries the reorder timer started (no ACK to clock them): 2 RTOs per run at 2%.
                cc.setCwnd(Math.max(pipe(), cc.ssthresh()));
            } else {
                cc.setCwnd(cc.ssthresh());
            }
            retransmitLost(now); // RFC 6675 §5 (4.3): the first lost segment goes out whatever the pipe
            armRetransmitTimer(now);
        } else {
            retransmitFirstUnacked(now);
            cc.setCwnd(cc.ssthresh() + SackScoreboard.DUP_THRESH * mss);
        }
        output(now);
    }

    // ------------------------------------------------------------------------------------------------
    // RACK-TLP (RFC 8985), with SACK only

    /** Per ACK: what it delivered, what that proves lost, and what it says about an outstanding probe. */
    private void rackOnAck(long now, TcpSegment seg, boolean unaAdvanced, boolean duplicate, boolean newlySacked,
            boolean dsack) {
        int dsackLeft = dsack ? seg.options.sackLeft(0) : 0;
        int dsackRight = dsack ? seg.options.sackRight(0) : 0;
        if (dsack) {
            counters.dsacksReceived++;
        }
        // Duplicates of a loss probe, of an RTO's go-back-N or of a spurious RTO's resend are expected, not a
        // sign of reordering.
        boolean rtoRecovery = !inRecovery && Seq.lt(sndUna, recover);
        rack.onAck(sndUna, sndNxt, dsack && !rtoRecovery && !tlp.isProbeDuplicate(dsackLeft, dsackRight)
                && !eifel.isRetransmissionDuplicate(dsackLeft, dsackRight));
        if (newlySacked) {
            // §6.2 step 3 wants deliveries in ascending sequence order; the peer lists the newest block first.
            int n = seg.options.sackBlockCount();
            for (int i = 0; i < n; i++) {
                int j = i;
                while (j > 0 && Seq.gt(seg.options.sackLeft(sackOrder[j - 1]), seg.options.sackLeft(i))) {
                    sackOrder[j] = sackOrder[j - 1];
                    j--;
                }
                sackOrder[j] = i;
            }
            for (int j = 0; j < n; j++) {
                int i = sackOrder[j];
                sentLog.sacked(seg.options.sackLeft(i), seg.options.sackRight(i), scoreboard, rack);
            }
        }
        detectLosses(now);
        TailLossProbe.Verdict verdict = tlp.onAck(sndUna, unaAdvanced, duplicate, newlySacked, dsackLeft, dsackRight);
        if (verdict == TailLossProbe.Verdict.LOSS_REPAIRED) {
            tailLossRepaired(now);
        }
        updateProbeTimer(now, unaAdvanced);
    }

    /** §6.2 step 5 and §6.3: marks what RACK deems lost, arms the reorder timer, enters recovery if need be. */
    private void detectLosses(long now) {
        if (sentLog.isEmpty()) {
            reorderDeadline = NEVER;
            return;
        }
        boolean lossRecovery = inRecovery || Seq.lt(sndUna, recover);
        long reoWnd = rack.reorderingWindow(lossRecovery, sentLog.sackedSegments(), rtt.srtt());
        int marked = rack.detectLoss(sentLog, now, reoWnd, sndNxt);
        long wait = rack.reorderTimeout();
        reorderDeadline = wait > 0 ? now + wait : NEVER;
        if (marked > 0) {
            counters.rackLosses += marked;
            // RFC 6675 §5 / RFC 8985 §3.4: one congestion response per window of data.
            if (!inRecovery && sndNxt == sndMax && Seq.ge(sndUna, recover)) {
                enterRecovery(now);
            }
        }
    }

    /** §6.3: the reorder timer expired; whatever it waited for is lost now unless it was delivered. */
    private void reorderTimeout(long now) {
        if (!sackOn || !canSendData()) {
            return;
        }
        detectLosses(now);
        if (sentLog.lostBytes() > 0) {
            output(now);
        }
    }

    /** Retransmits (part of) the first segment marked lost below SND.NXT; returns the bytes sent. */
    private int retransmitLost(long now) {
        for (int guard = 0; guard < 1 << 16; guard++) {
            int k = sentLog.firstLost(sndNxt);
            if (k < 0) {
                return 0;
            }
            int start = Seq.max(sentLog.start(k), sndUna);
            int end = sentLog.end(k);
            int s = scoreboard.nextUnsacked(start, end);
            int len = Math.min(sendMss(), Math.min(scoreboard.holeEnd(s, end) - s, dataEndSeq() - s));
            if (Seq.ge(s, end) || len <= 0) {
                sentLog.clearLost(k); // SACKed after all: nothing to resend
                continue;
            }
            int sent = transmitData(now, s, len, finSent() && s + len == finSeq);
            counters.retransmittedSegments++;
            return sent;
        }
        return 0;
    }

    /**
     * §7.2: (re)arms the probe timer while the conditions hold (SACK, nothing SACKed, no fast or RTO recovery,
     * no probe outstanding, data in flight), never later than the RTO; otherwise stops it.
     */
    private void updateProbeTimer(long now, boolean restart) {
        if (!sackOn || inRecovery || Seq.lt(sndUna, recover) || !scoreboard.isEmpty() || tlp.blocksProbing(sndUna)
                || sentLog.isEmpty() || !canSendData()) {
            probeDeadline = NEVER;
            return;
        }
        if (!restart && probeDeadline != NEVER) {
            return;
        }
        long at = now + TailLossProbe.probeTimeout(rtt.srtt(), sndMax - sndUna, sendMss());
        if (rtoDeadline != NEVER && at > rtoDeadline) {
            at = rtoDeadline;
        }
        probeDeadline = capByUserTimeout(at);
    }

    /** §7.3: sends one probe, new data if the peer's window takes it, else the last segment again. */
    private void probeTimeout(long now) {
        if (!sackOn || !canSendData() || inRecovery || Seq.lt(sndUna, recover) || tlp.blocksProbing(sndUna)
                || sentLog.isEmpty() || sndNxt != sndMax) {
            return;
        }
        int mss = sendMss();
        int unsent = dataEndSeq() - sndNxt;
        int room = usableWindow();
        if (unsent > 0 && room > 0) {
            // New data, past the congestion window by at most this one segment.
            int len = Math.min(mss, Math.min(unsent, room));
            boolean withFin = finQueued && sndNxt + len == finSeq;
            int sent = transmitData(now, sndNxt, len, withFin);
            advanceSndNxt(now, sndNxt + sent + (withFin && sent == len ? 1 : 0));
            tlp.sent(sndMax, false, sndMax);
        } else {
            int last = sentLog.size() - 1;
            int end = sentLog.end(last);
            int start = Seq.max(sentLog.start(last), end - mss);
            transmitData(now, start, end - start, finSent() && end == finSeq);
            counters.retransmittedSegments++;
            tlp.sent(sndMax, true, start);
        }
        counters.tlpProbes++;
        armRetransmitTimer(now); // §7.3: the RTO restarts after the probe
    }

    /**
     * §7.4: the probe repaired a lost tail segment. Congestion control answers the loss as fast recovery
     * would (halve the window), unless this window already had its response.
     */
    private void tailLossRepaired(long now) {
        counters.tlpRecoveries++;
        if (inRecovery || Seq.lt(sndUna, recover)) {
            return;
        }
        cc.onTailLossRepaired(now, sendMss());
    }

    /** Retransmits one segment starting at SND.UNA (fast retransmit, RFC 5681 §3.2 step 2). */
    private void retransmitFirstUnacked(long now) {
        int end = sackOn ? scoreboard.holeEnd(sndUna, sndMax) : sndMax;
        int len = Math.min(sendMss(), Math.min(end - sndUna, dataEndSeq() - sndUna));
        if (len > 0) {
            transmitData(now, sndUna, len, false);
            counters.retransmittedSegments++;
        } else if (finQueued && sndUna == finSeq) {
            transmitControl(now, finSeq, TcpFlags.FIN | TcpFlags.ACK);
            counters.retransmittedSegments++;
        }
        armRetransmitTimer(now);
    }

    /** In-order and out-of-order data (RFC 9293 §3.10.7.4 seventh step). */
    private void receiveText(long now, TcpSegment seg) {
        ByteBuf payload = seg.payload;
        int seq = seg.seq;
        int len = payload.readableBytes();
        int begin = 0;
        if (Seq.lt(seq, rcvNxt)) {
            begin = rcvNxt - seq; // already received: trim the front
            noteDuplicate(seq, seq + len);
        }
        int end = len;
        int rightEdge = rcvAdvRight;
        if (Seq.gt(seq + len, rightEdge)) {
            end = Math.max(begin, rightEdge - seq); // beyond the window: trim the tail
        }
        if (end <= begin) {
            ackNow = true;
            return;
        }
        if (len > largestSegmentReceived) {
            largestSegmentReceived = len;
        }
        int start = seq + begin;
        ByteBuf piece = payload.retainedSlice(payload.readerIndex() + begin, end - begin);
        if (start == rcvNxt) {
            boolean hadHoles = !reassembly.isEmpty();
            deliver(piece);
            while (!reassembly.isEmpty()) {
                ByteBuf next = reassembly.pollInOrder(rcvNxt);
                if (next == null) {
                    break;
                }
                deliver(next);
            }
            if (hadHoles) {
                ackNow = true; // RFC 5681 §4.2: ACK at once when a hole is filled
            } else {
                bytesSinceAck += end - begin;
                if (bytesSinceAck >= 2 * receiveMssEstimate()) {
                    ackNow = true; // RFC 5681 §4.2: ACK at least every second full-sized segment
                } else if (delayedAckDeadline == NEVER) {
                    delayedAckDeadline = now + config.delayedAckNanos();
                }
            }
        } else {
            counters.outOfOrderSegments++;
            if (!reassembly.insert(start, piece, config.maxOutOfOrderBytes())) {
                counters.outOfOrderDropped++;
            }
            ackNow = true; // RFC 5681 §4.2: out-of-order data is acknowledged at once (with SACK)
        }
    }

    /** RFC 2018 §8: a receiver may discard out-of-order data; its SACK blocks are no longer reported. */
    private void pruneOutOfOrder() {
        reassembly.releaseAll();
    }

    private void deliver(ByteBuf data) {
        int n = data.readableBytes();
        rcvNxt += n;
        unreadBytes += n;
        events.onData(this, data);
    }

    private void finArrived(long now) {
        rcvNxt += 1;
        ackNow = true;
        switch (state) {
            case SYN_RECEIVED, ESTABLISHED -> setState(TcpState.CLOSE_WAIT);
            case FIN_WAIT_1 -> setState(TcpState.CLOSING); // our FIN not yet acknowledged: simultaneous close
            case FIN_WAIT_2 -> {
                finWait2Deadline = NEVER;
                sendAck(now);
                enterTimeWait(now);
            }
            default -> {
            }
        }
        keepAliveDeadline = state == TcpState.CLOSE_WAIT ? keepAliveDeadline : NEVER;
        events.onPeerFin(this);
    }

    private void enterTimeWait(long now) {
        if (ackNow) {
            sendAck(now);
        }
        rtoDeadline = NEVER;
        reorderDeadline = NEVER;
        probeDeadline = NEVER;
        persistDeadline = NEVER;
        keepAliveDeadline = NEVER;
        delayedAckDeadline = NEVER;
        finWait2Deadline = NEVER;
        sentLog.clear();
        sendQueue.releaseAll();
        reassembly.releaseAll();
        memory.close();
        if (config.timeWaitNanos() == 0 || !events.admitTimeWait(this)) {
            close(CloseReason.NORMAL, now); // table full: the newest closer skips TIME_WAIT (seed 001)
            return;
        }
        setState(TcpState.TIME_WAIT);
        timeWaitDeadline = now + config.timeWaitNanos();
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
        if (state != TcpState.TIME_WAIT) {
            return false;
        }
        if (tsOn && syn.options.hasTimestamps && syn.options.tsVal != tsRecent) {
            return Seq.gt(syn.options.tsVal, tsRecent);
        }
        return Seq.gt(syn.seq, rcvNxt);
    }

    /** The old connection gives way to a new incarnation of its 4-tuple. */
    public void replace(long now) {
        close(CloseReason.REPLACED, now);
    }

    // ------------------------------------------------------------------------------------------------
    // Output

    private void output(long now) {
        output(now, false);
    }

    /**
     * Sends what the windows allow: SACK-based retransmissions in recovery (RFC 6675 §5 NextSeg), then new
     * data subject to the peer's window, the congestion window, Nagle (RFC 896) and sender SWS avoidance
     * (RFC 1122 4.2.3.4), then a FIN once all data is out. {@code force} is the persist timer's override.
     */
    private void output(long now, boolean force) {
        if (!canSendData()) {
            return;
        }
        int mss = sendMss();
        cwndLimited = false;
        boolean sentSomething = false;
        boolean sentNewData = false;
        int resentBelowSndNxt = 0; // outside recovery the flight does not count what RACK had us resend
        for (int guard = 0; guard < 1 << 16; guard++) {
            boolean goingBackN = Seq.lt(sndNxt, sndMax); // after a timeout, resending from SND.UNA
            if (goingBackN && sackOn && !scoreboard.isEmpty()) {
                sndNxt = scoreboard.nextUnsacked(sndNxt, sndMax); // RFC 6675 §5.1: not what the peer holds
                goingBackN = Seq.lt(sndNxt, sndMax);
            }
            int flight = sndNxt - sndUna;
            int pipe = inRecovery && sackOn ? pipe()
                    : (goingBackN && sackOn ? scoreboard.unsackedBetween(sndUna, sndNxt) : flight) + resentBelowSndNxt;
            int cwndBudget = cc.cwnd() - pipe;
            // RFC 6675 §5 NextSeg rule 1, with RACK's lost marks in place of IsLost (RFC 8985 §3.4).
            if (sackOn && sentLog.lostBytes() > 0 && cwndBudget >= mss) {
                int resent = retransmitLost(now);
                if (resent > 0) {
                    resentBelowSndNxt += inRecovery ? 0 : resent;
                    sentSomething = true;
                    continue;
                }
            }
            int unsent = dataEndSeq() - sndNxt;
            if (unsent <= 0) {
                if (finQueued && sndNxt == finSeq) {
                    transmitControl(now, finSeq, TcpFlags.FIN | TcpFlags.ACK);
                    advanceSndNxt(now, finSeq + 1);
                    sentSomething = true;
                }
                break;
            }
            int windowRoom = sndUna + sndWnd - sndNxt;
            int len = Math.min(unsent, mss);
            // A resend stops at the next SACKed block; a whole hole goes out even if small (SWS and Nagle are
            // about new data).
            int holeRoom = goingBackN && sackOn ? scoreboard.holeEnd(sndNxt, sndMax) - sndNxt : Integer.MAX_VALUE;
            len = Math.min(len, holeRoom);
            len = Math.min(len, windowRoom);
            if (!force) {
                if (cwndBudget < len) {
                    cwndLimited = true;
                    len = Math.max(0, cwndBudget);
                }
            }
            if (len <= 0) {
                break;
            }
            boolean wholeHole = len == holeRoom;
            if (!force && !wholeHole && len < mss && len < unsent && len < maxSndWnd / 2) {
                break; // sender SWS avoidance: wait for a full segment's room
            }
            if (!force && !wholeHole && len < mss && !config.noDelay() && flight > 0 && !finQueued) {
                break; // Nagle: one small segment outstanding at a time
            }
            boolean withFin = finQueued && sndNxt + len == finSeq;
            int sent = transmitData(now, sndNxt, len, withFin);
            if (Seq.lt(sndNxt, sndMax)) {
                counters.retransmittedSegments++;
            } else {
                sentNewData = true;
                if (!rttTiming && !tsOn) {
                    rttTiming = true;
                    rttSeq = sndNxt;
                    rttStart = now;
                }
            }
            advanceSndNxt(now, sndNxt + sent + (withFin && sent == len ? 1 : 0));
            sentSomething = true;
            force = false;
        }
        if (sentSomething && rtoDeadline == NEVER && sndMax != sndUna) {
            armRetransmitTimer(now);
        }
        if (sentNewData) {
            updateProbeTimer(now, true); // RFC 8985 §7.2: (re)start the PTO after new data
        }
        // RFC 9293 §3.8.6.1: data waits on a closed (or too small) window and nothing is in flight.
        if ((hasUnsentData() || (finQueued && !finSent())) && sndMax == sndUna && rtoDeadline == NEVER
                && persistDeadline == NEVER && !sentSomething) {
            armPersistTimer(now);
        } else if (persistDeadline != NEVER && sndMax != sndUna) {
            persistDeadline = NEVER;
        }
    }

    private void advanceSndNxt(long now, int newNxt) {
        if (sndMax == sndUna && Seq.gt(newNxt, sndNxt)) {
            lastProgress = now; // the user timeout counts from the first unacknowledged transmission
        }
        sndNxt = newNxt;
        if (Seq.gt(sndNxt, sndMax)) {
            sndMax = sndNxt;
        }
    }

    /**
     * RFC 6675 §4 SetPipe (with SACK): unSACKed bytes in flight, less those marked lost and not yet
     * retransmitted (RFC 8985 §3.4: RACK's marks stand in for IsLost).
     */
    private int pipe() {
        return Math.max(0, scoreboard.unsackedBetween(sndUna, sndMax) - sentLog.lostBytes());
    }

    private boolean canSendData() {
        return switch (state) {
            case ESTABLISHED, CLOSE_WAIT, FIN_WAIT_1, CLOSING, LAST_ACK -> true;
            default -> false;
        };
    }

    private int usableWindow() {
        return sndUna + sndWnd - sndNxt;
    }

    private boolean hasUnsentData() {
        return Seq.lt(sndNxt, dataEndSeq());
    }

    private boolean finSent() {
        return finQueued && Seq.gt(sndMax, finSeq);
    }

    private void queueFin() {
        if (!finQueued) {
            finQueued = true;
            finSeq = dataEndSeq();
        }
    }

    /** Sequence number just past the last queued data byte. */
    private int dataEndSeq() {
        return iss + 1 + (int) sendQueue.endOffset();
    }

    /** Stream offset of sequence number {@code seq} (data byte 0 has sequence number ISS + 1). */
    private long streamOffset(int seq) {
        long front = sendQueue.frontOffset();
        int frontSeq = iss + 1 + (int) front;
        return front + Seq.diff(frontSeq, seq);
    }

    /** Sends {@code len} bytes of queued data from {@code seq}; returns how many fit the segment. */
    private int transmitData(long now, int seq, int len, boolean fin) {
        TcpOptions options = dataOptions(now);
        int optionBytes = optionLength(options);
        int room = segmentSizeLimit() - optionBytes;
        if (len > room) {
            len = Math.max(1, room);
            fin = false;
        }
        ByteBuf payload = sendQueue.slice(streamOffset(seq), len);
        int flags = TcpFlags.ACK | (fin ? TcpFlags.FIN : 0) | (seq + len == dataEndSeq() ? TcpFlags.PSH : 0);
        emit(now, seq, flags, options, payload);
        if (sackOn) {
            sentLog.sent(seq, seq + len, now); // RFC 8985 §6.1: each segment's (re)transmission time
            if (inRecovery) {
                prr.onSent(len); // RFC 6937 prr_out
            }
        }
        return len;
    }

    private void transmitControl(long now, int seq, int flags) {
        emit(now, seq, flags, dataOptions(now), null);
    }

    private void sendAck(long now) {
        if (state == TcpState.CLOSED || state == TcpState.SYN_SENT) {
            ackNow = false;
            return;
        }
        transmitControl(now, acceptableSeq(), TcpFlags.ACK);
    }

    /**
     * The sequence number of a pure ACK: SND.MAX capped at the peer's window edge (Linux tcp_acceptable_seq).
     * Not a SND.NXT rewound by a retransmission timeout, which may lie below the peer's RCV.NXT; not beyond the
     * right edge, which a peer whose window closed would drop; either way the ACK would be unacceptable
     * (RFC 9293 §3.10.7.4) and both ends could wait on each other's acknowledgments forever.
     */
    private int acceptableSeq() {
        int windowEnd = sndUna + sndWnd;
        return Seq.le(sndMax, windowEnd) ? sndMax : windowEnd;
    }

    private void sendReset(long now) {
        counters.resetsSent++;
        emit(now, sndMax, TcpFlags.RST | TcpFlags.ACK, tsOn ? TcpOptions.timestamps(tsClock(now), tsRecent) : TcpOptions.NONE, null);
    }

    /** RST in answer to an unacceptable segment (RFC 9293 §3.10.7.3): SEQ = SEG.ACK. */
    private void transmitReset(int seq) {
        counters.resetsSent++;
        output.send(new TcpSegment(id.localAddr(), id.remoteAddr(), id.localPort(), id.remotePort(), seq, 0,
                TcpFlags.RST, 0, TcpOptions.NONE, null));
    }

    private void sendSyn(long now, boolean withAck) {
        int scale = config.effectiveWindowScale();
        // A SYN offers everything configured; a SYN-ACK only what the peer's SYN offered (RFC 7323 §1.3, RFC 2018 §2).
        TcpOptions options = new TcpOptions(config.mss(), !withAck || peerOfferedWindowScale ? scale : -1,
                config.sack() && (!withAck || sackOn), config.timestamps() && (!withAck || tsOn), tsClock(now),
                withAck ? tsRecent : 0, NO_EDGES);
        int window = Math.min(freeReceiveSpace(), 0xffff); // RFC 7323 §2.2: unscaled in a SYN
        TcpSegment syn = new TcpSegment(id.localAddr(), id.remoteAddr(), id.localPort(), id.remotePort(), iss,
                withAck ? rcvNxt : 0, TcpFlags.SYN | (withAck ? TcpFlags.ACK : 0), window, options, null);
        counters.segmentsSent++;
        if (withAck) {
            rcvAdvRight = rcvNxt + window;
            lastAckSent = rcvNxt;
            ackNow = false;
        }
        output.send(syn);
        sndNxt = iss + 1;
        if (Seq.gt(sndNxt, sndMax)) {
            sndMax = sndNxt;
        }
        armRetransmitTimer(now);
    }

    /** RFC 2883 §4: remembers the part of [left, right) below RCV.NXT for a D-SACK block. */
    private void noteDuplicate(int left, int right) {
        right = Seq.min(right, rcvNxt);
        if (sackOn && Seq.lt(left, right) && Seq.lt(rcvNxt - left, 1 << 30)) {
            dsackPending = true;
            dsackLeft = left;
            dsackRight = right;
        }
    }

    private TcpOptions dataOptions(long now) {
        int blocks = 0;
        if (sackOn && (dsackPending || !reassembly.isEmpty())) {
            int maxBlocks = tsOn ? 3 : 4; // RFC 2018 §3: 40 option bytes, 10 taken by timestamps
            if (dsackPending) {
                // RFC 2883 §4: the duplicate first, then the usual blocks; sent once.
                dsackPending = false;
                blocks = reassembly.sackBlocks(sackScratch, maxBlocks - 1);
                System.arraycopy(sackScratch, 0, sackEdges, 2, 2 * blocks);
                sackEdges[0] = dsackLeft;
                sackEdges[1] = dsackRight;
                blocks++;
            } else {
                blocks = reassembly.sackBlocks(sackEdges, maxBlocks);
            }
        }
        if (!tsOn && blocks == 0) {
            return TcpOptions.NONE;
        }
        int[] edges = blocks == 0 ? NO_EDGES : java.util.Arrays.copyOf(sackEdges, 2 * blocks);
        return new TcpOptions(-1, -1, false, tsOn, tsOn ? tsClock(now) : 0, tsOn ? tsRecent : 0, edges);
    }

    private static final int[] NO_EDGES = new int[0];

    private static int optionLength(TcpOptions o) {
        int n = 0;
        if (o.hasTimestamps) n += TS_OPTION_BYTES;
        if (o.sackBlockCount() > 0) n += 4 + 8 * o.sackBlockCount(); // NOP, NOP, kind, len, blocks
        return Math.min(n, MAX_OPTION_BYTES);
    }

    /** Builds and hands out one segment carrying our current ACK and window. */
    private void emit(long now, int seq, int flags, TcpOptions options, ByteBuf payload) {
        int window = 0;
        int ack = 0;
        if ((flags & TcpFlags.ACK) != 0) {
            ack = rcvNxt;
            window = windowField();
            lastAckSent = rcvNxt;
            ackNow = false;
            bytesSinceAck = 0;
            delayedAckDeadline = NEVER;
        }
        counters.segmentsSent++;
        output.send(new TcpSegment(id.localAddr(), id.remoteAddr(), id.localPort(), id.remotePort(), seq, ack,
                flags, window, options, payload));
    }

    /**
     * The window field to send: the free receive space (with receiver SWS avoidance, RFC 9293
     * §3.8.6.2.2), scaled down (RFC 7323 §2.3), and never shrinking the right edge already offered.
     */
    private int windowField() {
        int free = freeReceiveSpace();
        int promised = Math.max(0, rcvAdvRight - rcvNxt);
        int mss = receiveMssEstimate();
        if (free - promised < Math.min(config.receiveBuffer() / 2, mss)) {
            free = promised; // do not advance the right edge by less than a segment
        }
        int wnd = Math.max(free, promised);
        int field = wnd >>> rcvWscale;
        if ((field << rcvWscale) < promised) {
            field++; // round up rather than shrink
        }
        if (field > 0xffff) {
            field = 0xffff;
        }
        rcvAdvRight = rcvNxt + (field << rcvWscale);
        return field;
    }

    private int currentWindow() {
        return Math.max(0, rcvAdvRight - rcvNxt);
    }

    private int freeReceiveSpace() {
        return Math.max(0, config.receiveBuffer() - unreadBytes - reassembly.bytes());
    }

    private int receiveMssEstimate() {
        return Math.max(Math.min(config.mss(), Math.max(largestSegmentReceived, DEFAULT_PEER_MSS)), 1);
    }

    /** RFC 7323 §5.4: a 1 ms timestamp clock with a per-connection offset. */
    private int tsClock(long now) {
        return (int) (now / 1_000_000L) + tsOffset;
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

    private void close(CloseReason reason, long now) {
        if (state == TcpState.CLOSED) {
            return;
        }
        setState(TcpState.CLOSED);
        closeReason = reason;
        rtoDeadline = NEVER;
        reorderDeadline = NEVER;
        probeDeadline = NEVER;
        delayedAckDeadline = NEVER;
        persistDeadline = NEVER;
        keepAliveDeadline = NEVER;
        timeWaitDeadline = NEVER;
        finWait2Deadline = NEVER;
        ackNow = false;
        sentLog.clear();
        sendQueue.releaseAll();
        reassembly.releaseAll();
        memory.close();
        events.onClosed(this, reason);
    }

    @Override
    public String toString() {
        return id + " " + state;
    }
}
