package org.nbstack.server.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nbstack.netbios.session.ServiceView;
import org.nbstack.netbios.session.SessionStatus;
import org.nbstack.tcp.stack.ConnectionInfo;

/** The admin views as JSON (for tools and dashboards) and as the tables the CLI prints. */
public final class AdminViews {

    /** Writes maps (keys in their order), lists, strings, numbers and booleans; thread-safe once configured. */
    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminViews() {
    }

    // ---------------------------------------------------------------------------------------------- status

    public static String json(StatusView status) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", status.version());
        root.put("pid", status.pid());
        root.put("uptime_seconds", seconds(status.uptime()));
        List<Object> listeners = new ArrayList<>();
        for (ListenerView l : status.listeners()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", l.name());
            m.put("transport", l.transport());
            m.put("address", l.address());
            m.put("link", l.link());
            m.put("state", l.state());
            m.put("reason", l.reason());
            m.put("names", l.names());
            listeners.add(m);
        }
        root.put("listeners", listeners);
        root.put("active_sessions", status.activeSessions());
        root.put("max_sessions", status.maxSessions());
        root.put("engine_running", status.engineRunning());
        root.put("engine", status.engine());
        return writeJson(root) + "\n";
    }

    public static String text(StatusView status) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "nbstack %s, pid %d, up %s%n", status.version(), status.pid(), human(status.uptime())));
        for (ListenerView l : status.listeners()) {
            out.append(String.format(Locale.ROOT, "listener %-10s %-8s %-21s %-8s %s%n", l.name(), l.transport(), l.address(),
                    l.state(), l.state().equals("running") ? "names " + String.join(",", l.names())
                            + (l.link().isEmpty() ? "" : "  link " + l.link()) : l.reason()));
        }
        out.append(String.format(Locale.ROOT, "sessions %d active (limit %s)%n", status.activeSessions(),
                status.maxSessions() == 0 ? "none" : Integer.toString(status.maxSessions())));
        out.append("engine   ").append(status.engineRunning() ? "running: " : "not running: ").append(status.engine()).append('\n');
        return out.toString();
    }

    // -------------------------------------------------------------------------------------------- sessions

    public static String sessionsJson(List<SessionRow> rows) {
        List<Object> sessions = new ArrayList<>();
        for (SessionRow row : rows) {
            SessionStatus s = row.status();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("id", s.id());
            m.put("listener", row.listener());
            m.put("called", s.calledName().toString());
            m.put("calling", s.callingName().toString());
            m.put("remote", address(s.remoteAddress()));
            m.put("state", s.state().name());
            m.put("age_seconds", seconds(s.age()));
            m.put("idle_seconds", seconds(s.idle()));
            m.put("inbound_messages", s.inboundMessages());
            m.put("inbound_bytes", s.inboundBytes());
            m.put("outbound_messages", s.outboundMessages());
            m.put("outbound_bytes", s.outboundBytes());
            m.put("since_outbound_progress_seconds", seconds(s.sinceOutboundProgress()));
            row.service().ifPresent(view -> {
                Map<String, Object> service = new LinkedHashMap<>();
                service.put("name", view.service());
                service.putAll(view.details());
                m.put("service", service);
            });
            sessions.add(m);
        }
        return writeJson(Map.of("sessions", sessions)) + "\n";
    }

    public static String sessionsText(List<SessionRow> rows) {
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-6s %-8s %-18s %-18s %-22s %8s %8s %6s %8s %6s %8s %-11s %s%n",
                "ID", "LISTENER", "CALLED", "CALLING", "REMOTE", "AGE", "IDLE", "IN-Q", "IN-B", "OUT-Q", "OUT-B", "STATE", "SERVICE"));
        for (SessionRow row : rows) {
            SessionStatus s = row.status();
            out.append(String.format(Locale.ROOT, "%-6d %-8s %-18s %-18s %-22s %8s %8s %6d %8d %6d %8d %-11s %s%n", s.id(), row.listener(),
                    s.calledName(), s.callingName(), address(s.remoteAddress()), human(s.age()), human(s.idle()),
                    s.inboundMessages(), s.inboundBytes(), s.outboundMessages(), s.outboundBytes(), s.state(),
                    row.service().map(AdminViews::serviceText).orElse("-")));
        }
        out.append(rows.size()).append(rows.size() == 1 ? " session\n" : " sessions\n");
        return out.toString();
    }

    /** {@code smb dialect=3.0.2 users=guest trees=IPC$,share open_files=1 locks=0}: lists comma-joined, empty ones as "-". */
    static String serviceText(ServiceView view) {
        StringBuilder text = new StringBuilder(view.service());
        view.details().forEach((name, value) -> {
            String shown = value instanceof List<?> list ? (list.isEmpty() ? "-" : list.stream().map(String::valueOf)
                    .collect(java.util.stream.Collectors.joining(","))) : String.valueOf(value);
            text.append(' ').append(name).append('=').append(shown);
        });
        return text.toString();
    }

    // --------------------------------------------------------------------------------------------- netstat

    public static String netstatJson(NetstatView view) {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("engine_running", view.engineRunning());
        root.put("message", view.message());
        List<Object> rows = new ArrayList<>();
        for (ConnectionInfo c : view.connections()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("proto", "tcp");
            m.put("local", c.local());
            m.put("remote", c.remote());
            m.put("state", c.state().netstatName());
            m.put("send_q", c.sendQueue());
            m.put("recv_q", c.receiveQueue());
            m.put("timer", c.timer().netstat());
            m.put("congestion_control", c.congestionControl() == null ? null : c.congestionControl().configName());
            m.put("cwnd", c.congestionWindow());
            rows.add(m);
        }
        root.put("connections", rows);
        return writeJson(root) + "\n";
    }

    /**
     * Like {@code netstat -ano}: Proto, Recv-Q, Send-Q, Local Address, Foreign Address, State, Timer; then the
     * congestion control algorithm and window in bytes, as {@code ss -ti} shows them.
     */
    public static String netstatText(NetstatView view) {
        if (!view.engineRunning()) {
            return view.message() + "\n";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT, "%-5s %6s %6s %-22s %-22s %-12s %-22s %s%n",
                "Proto", "Recv-Q", "Send-Q", "Local Address", "Foreign Address", "State", "Timer", "Congestion"));
        for (ConnectionInfo c : view.connections()) {
            out.append(String.format(Locale.ROOT, "%-5s %6d %6d %-22s %-22s %-12s %-22s %s%n", "tcp", c.receiveQueue(),
                    c.sendQueue(), c.local(), c.remote(), c.state().netstatName(), c.timer().netstat(), c.congestion()));
        }
        return out.toString();
    }

    // ------------------------------------------------------------------------------------------------ util

    private static String writeJson(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    static double seconds(Duration d) {
        return Math.round(d.toNanos() / 1e6) / 1e3;
    }

    static String human(Duration d) {
        return HumanDuration.format(d);
    }

    private static String address(Object socketAddress) {
        String text = String.valueOf(socketAddress);
        return text.startsWith("/") ? text.substring(1) : text;
    }
}
