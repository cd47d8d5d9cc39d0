package org.nbstack.netbios.session;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.nbstack.netbios.metrics.NetbiosMetrics.QueueTotals;
import org.nbstack.netbios.name.NetbiosName;

/**
 * The live sessions of one server or client. A concurrent map only: status queries read each session's
 * volatile counters and never wait for an event loop, so they answer while sessions fail.
 */
public final class SessionRegistry {

    private final Map<Long, NetbiosSession> sessions = new ConcurrentHashMap<>();

    void add(NetbiosSession session) {
        sessions.put(session.id(), session);
    }

    void remove(NetbiosSession session) {
        sessions.remove(session.id(), session);
    }

    public int size() {
        return sessions.size();
    }

    public Optional<NetbiosSession> find(long id) {
        return Optional.ofNullable(sessions.get(id));
    }

    public Collection<NetbiosSession> all() {
        return List.copyOf(sessions.values());
    }

    /** The sessions whose called name is {@code name}, ignoring case. */
    public List<NetbiosSession> called(NetbiosName name) {
        String key = name.key();
        List<NetbiosSession> result = new ArrayList<>();
        for (NetbiosSession session : sessions.values()) {
            if (session.calledName().key().equals(key)) {
                result.add(session);
            }
        }
        return result;
    }

    /** A snapshot of every session, oldest first. */
    public List<SessionStatus> snapshot() {
        List<SessionStatus> result = new ArrayList<>(sessions.size());
        for (NetbiosSession session : sessions.values()) {
            result.add(session.status());
        }
        result.sort(Comparator.comparingLong(SessionStatus::id));
        return result;
    }

    public QueueTotals queueTotals() {
        long inMessages = 0;
        long inBytes = 0;
        long outMessages = 0;
        long outBytes = 0;
        for (NetbiosSession session : sessions.values()) {
            SessionStatus status = session.status();
            inMessages += status.inboundMessages();
            inBytes += status.inboundBytes();
            outMessages += status.outboundMessages();
            outBytes += status.outboundBytes();
        }
        return new QueueTotals(inMessages, inBytes, outMessages, outBytes);
    }
}
