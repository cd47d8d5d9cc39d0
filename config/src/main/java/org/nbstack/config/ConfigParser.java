package org.nbstack.config;

import static org.nbstack.config.ConfigReader.path;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Reads the merged config into {@link NbstackConfig}, section by section, through a {@link ConfigReader}. */
final class ConfigParser {

    static final String ROOT = "nbstack";
    private static final Duration DAY = Duration.ofDays(1);
    private static final Duration WEEK = Duration.ofDays(7);
    private static final int MAX_NBSS_LENGTH = 131_071; // 17 bits, RFC 1002 §4.3.1
    private static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    private final ConfigReader in;
    private final Map<String, String> environment;

    ConfigParser(ConfigReader reader, Map<String, String> environment) {
        this.in = reader;
        this.environment = environment;
    }

    NbstackConfig parse() {
        List<ListenerConfig> listeners = listeners();
        EngineSettings engine = engine();
        NetbiosSettings netbios = netbios();
        for (ListenerConfig listener : listeners) {
            String key = path(ROOT, "listeners", listener.name(), "protocol");
            if (listener.protocol() == ListenerConfig.Protocol.SMB_DIRECT && netbios.defaultName().isEmpty()) {
                in.problem(key, in.config().getValue(key), "nbss while nbstack.netbios.default-name is \"\" (smb-direct serves the default name)");
            }
        }
        AdminSettings admin = admin();
        LoggingSettings logging = logging();
        ShutdownSettings shutdown = new ShutdownSettings(in.duration(path(ROOT, "shutdown", "grace-period"), Duration.ZERO, Duration.ofMinutes(10)));
        Path dataDir = dataDir();
        return new NbstackConfig(listeners, engine, netbios, admin, logging, shutdown, dataDir, fileService(dataDir));
    }

    private List<ListenerConfig> listeners() {
        List<ListenerConfig> listeners = new ArrayList<>();
        for (String name : in.childKeys(path(ROOT, "listeners"))) {
            String base = path(ROOT, "listeners", name);
            String transport = in.string(base + ".transport").trim().toLowerCase(Locale.ROOT);
            if (transport.isEmpty()) {
                in.problem(base + ".transport", in.config().getValue(base + ".transport"), "a transport name: engine, nio or epoll");
            }
            listeners.add(new ListenerConfig(name, in.bool(base + ".enabled"), in.bool(base + ".required"), transport,
                    in.hostPort(base + ".bind"), in.integer(base + ".threads", 1, 256), in.string(base + ".addresses").trim(),
                    in.string(base + ".link").trim(), in.stringMap(base + ".transport-options"),
                    in.enumValue(base + ".protocol", ListenerConfig.Protocol.class)));
        }
        return listeners;
    }

    private EngineSettings engine() {
        String tcp = path(ROOT, "engine", "tcp");
        String keepalive = tcp + ".keepalive";
        int receiveBuffer = (int) in.bytes(tcp + ".receive-buffer", 176, 1L << 30);
        Duration rtoMin = in.duration(tcp + ".rto-min", Duration.ofMillis(1), Duration.ofMinutes(10));
        Duration rtoInitial = in.duration(tcp + ".rto-initial", Duration.ofMillis(1), Duration.ofMinutes(10));
        Duration rtoMax = in.duration(tcp + ".rto-max", Duration.ofMillis(1), Duration.ofMinutes(10));
        if (rtoMin.compareTo(rtoInitial) > 0 || rtoInitial.compareTo(rtoMax) > 0) {
            in.problem(tcp + ".rto-initial", in.config().getValue(tcp + ".rto-initial"),
                    "between rto-min (" + rtoMin.toMillis() + "ms) and rto-max (" + rtoMax.toMillis() + "ms)");
        }
        TcpSettings tcpSettings = new TcpSettings(in.integer(tcp + ".mss", 88, 65495), receiveBuffer,
                (int) in.bytes(tcp + ".send-buffer", 1, 1L << 30), windowScale(tcp + ".window-scale"),
                in.bool(tcp + ".timestamps"), in.bool(tcp + ".sack"), in.bool(tcp + ".no-delay"),
                in.integer(tcp + ".initial-cwnd-segments", 1, 1000), rtoInitial, rtoMin, rtoMax,
                in.duration(tcp + ".delayed-ack", Duration.ZERO, Duration.ofMillis(500)),
                in.integer(tcp + ".syn-retries", 1, 127), in.integer(tcp + ".syn-ack-retries", 1, 127),
                in.integer(tcp + ".data-retries", 1, 127), in.integer(tcp + ".orphan-retries", 1, 127),
                in.duration(tcp + ".time-wait", Duration.ZERO, Duration.ofMinutes(10)),
                in.duration(tcp + ".fin-wait-2-timeout", Duration.ofSeconds(1), Duration.ofHours(1)),
                new KeepAliveSettings(in.bool(keepalive + ".enabled"), in.duration(keepalive + ".idle", Duration.ofSeconds(1), WEEK),
                        in.duration(keepalive + ".interval", Duration.ofSeconds(1), DAY), in.integer(keepalive + ".count", 1, 127)),
                in.duration(tcp + ".user-timeout", Duration.ZERO, DAY),
                (int) in.bytes(tcp + ".max-out-of-order", 0, 1L << 30),
                in.enumValue(tcp + ".congestion-control", TcpSettings.CongestionControl.class));
        String engine = path(ROOT, "engine");
        long memoryLimit = in.bytes(engine + ".memory-limit", 1, 1L << 40);
        int minReceiveMemory = (int) in.bytes(engine + ".min-receive-memory", 0, 1L << 30);
        int minSendMemory = (int) in.bytes(engine + ".min-send-memory", 0, 1L << 30);
        if ((long) minReceiveMemory + minSendMemory > memoryLimit) {
            in.problem(engine + ".memory-limit", in.config().getValue(engine + ".memory-limit"),
                    "at least min-receive-memory + min-send-memory (" + ((long) minReceiveMemory + minSendMemory)
                            + " octets): every connection's reserve comes out of it");
        }
        return new EngineSettings(tcpSettings, in.integer(engine + ".time-wait-limit", 0, 16_777_216),
                in.integer(engine + ".max-connections", 1, 16_777_216), in.integer(engine + ".max-connections-per-source", 0, 16_777_216),
                memoryLimit, minReceiveMemory, minSendMemory, in.integer(engine + ".challenge-acks-per-second", 0, 1_000_000),
                in.enumValue(engine + ".syn-cookies", EngineSettings.SynCookies.class), portRange(engine + ".ephemeral-ports"),
                in.integer(engine + ".syn-backlog", 1, 1_048_576), ipSettings(engine + ".ip"),
                in.enumValue(engine + ".checksum", EngineSettings.Checksum.class));
    }

    private IpSettings ipSettings(String ip) {
        long memory = in.bytes(ip + ".reassembly-memory", 0, 1L << 30);
        return new IpSettings(in.bool(ip + ".echo-replies"), in.integer(ip + ".icmp-replies-per-second", 0, 1_000_000),
                in.duration(ip + ".reassembly-timeout", Duration.ofMillis(1), Duration.ofMinutes(10)), memory,
                in.bytes(ip + ".reassembly-memory-per-source", 0, memory),
                in.integer(ip + ".max-fragments-per-datagram", 2, 8192), in.integer(ip + ".min-path-mtu", 68, 65535));
    }

    private int windowScale(String path) {
        if (in.config().hasPath(path) && "auto".equalsIgnoreCase(in.string(path).trim())) {
            return -1;
        }
        return in.integer(path, 0, 14);
    }

    private PortRange portRange(String path) {
        String text = in.string(path).trim();
        String[] parts = text.split("-");
        String allowed = "low-high with 1024 <= low <= high <= 65535, e.g. 32768-60999";
        try {
            if (parts.length == 2) {
                int low = Integer.parseInt(parts[0].trim());
                int high = Integer.parseInt(parts[1].trim());
                if (low >= 1024 && low <= high && high <= 65535) {
                    return new PortRange(low, high);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        if (in.config().hasPath(path)) {
            in.problem(path, in.config().getValue(path), allowed);
        }
        return new PortRange(32768, 60999);
    }

    private NetbiosSettings netbios() {
        String nb = path(ROOT, "netbios");
        String s = nb + ".session";
        long inboundBytes = in.bytes(s + ".inbound-max-bytes", 1, 1L << 30);
        long outboundBytes = in.bytes(s + ".outbound-max-bytes", 1, 1L << 30);
        long budget = in.bytes(s + ".memory-budget", 1, 1L << 31);
        int maxMessage = in.integer(nb + ".max-message-size", 0, MAX_NBSS_LENGTH);
        if (budget < Math.max(inboundBytes, outboundBytes) && in.config().hasPath(s + ".memory-budget")) {
            in.problem(s + ".memory-budget", in.config().getValue(s + ".memory-budget"),
                    "at least the larger of inbound-max-bytes and outbound-max-bytes (" + Math.max(inboundBytes, outboundBytes) + " octets)");
        }
        if (Math.min(inboundBytes, outboundBytes) < maxMessage && in.config().hasPath(nb + ".max-message-size")) {
            in.problem(nb + ".max-message-size", in.config().getValue(nb + ".max-message-size"),
                    "at most inbound-max-bytes and outbound-max-bytes (" + Math.min(inboundBytes, outboundBytes) + " octets)");
        }
        SessionQueueSettings queues = new SessionQueueSettings(in.integer(s + ".inbound-max-messages", 1, 1_000_000), inboundBytes,
                in.integer(s + ".outbound-max-messages", 1, 1_000_000), outboundBytes, budget,
                in.enumValue(s + ".overflow-policy", SessionQueueSettings.Overflow.class));
        String defaultName = in.string(nb + ".default-name").trim();
        return new NetbiosSettings(in.integer(nb + ".backlog", 1, 65535), in.integer(nb + ".max-sessions", 0, 1_000_000),
                in.duration(nb + ".session-request-timeout", Duration.ofMillis(1), Duration.ofHours(1)),
                in.integer(nb + ".max-pending-connections", 1, 1_000_000),
                in.duration(nb + ".keep-alive-interval", Duration.ZERO, DAY),
                in.duration(nb + ".idle-timeout", Duration.ZERO, WEEK),
                in.duration(nb + ".write-stall-timeout", Duration.ZERO, DAY), maxMessage,
                defaultName.isEmpty() ? Optional.empty() : Optional.of(netbiosName(nb + ".default-name", defaultName)),
                in.bool(nb + ".smbserver-alias"), in.bool(nb + ".tcp-keepalive"),
                in.duration(nb + ".tcp-user-timeout", Duration.ZERO, DAY),
                (int) in.bytes(nb + ".send-buffer", 0, 1L << 30), (int) in.bytes(nb + ".receive-buffer", 0, 1L << 30),
                (int) in.bytes(nb + ".write-buffer-high-water-mark", 1024, 1L << 30), queues, names(nb + ".names"),
                in.integer(nb + ".max-sessions-per-source", 0, 1_000_000), in.integer(nb + ".max-pending-per-source", 0, 1_000_000));
    }

    private List<NameSettings> names(String section) {
        List<NameSettings> names = new ArrayList<>();
        for (String key : in.childKeys(section)) {
            String base = section + "." + path(key);
            String explicit = in.string(base + ".name").trim();
            String name = netbiosName(explicit.isEmpty() ? base : base + ".name",
                    explicit.isEmpty() ? key.toUpperCase(Locale.ROOT) : explicit);
            String handler = in.string(base + ".handler").trim().toLowerCase(Locale.ROOT);
            String retarget = in.string(base + ".retarget").trim();
            Optional<HostPort> retargetTo = Optional.empty();
            if (!retarget.isEmpty()) {
                retargetTo = Optional.ofNullable(HostPort.parse(retarget));
                if (retargetTo.isEmpty()) {
                    in.problem(base + ".retarget", in.config().getValue(base + ".retarget"), "\"\" or an IPv4 host:port");
                }
            }
            names.add(new NameSettings(key, name, in.integer(base + ".suffix", 0, 255), in.string(base + ".scope").trim(), handler,
                    in.stringMap(base + ".handler-options"), in.integer(base + ".max-sessions", 0, 1_000_000),
                    in.stringList(base + ".allowed-callers"), retargetTo));
        }
        return names;
    }

    /** RFC 1001 §14: up to 15 ISO-8859-1 characters (the 16th octet is the suffix). */
    private String netbiosName(String path, String name) {
        boolean latin1 = name.chars().allMatch(c -> c <= 0xFF);
        if (name.isEmpty() || name.length() > 15 || !latin1) {
            if (in.config().hasPath(path)) {
                in.problem(path, in.config().getValue(path), "a NetBIOS name of 1..15 ISO-8859-1 characters");
            } else {
                in.problem(path, null, "a key of 1..15 characters (a NetBIOS name), or set its 'name'");
            }
        }
        return name;
    }

    /** {@code data-dir}: "" is {@code $XDG_DATA_HOME/nbstack}, else {@code ~/.local/share/nbstack}; relative to the working directory otherwise. */
    private Path dataDir() {
        String key = path(ROOT, "data-dir");
        String text = in.string(key).trim();
        if (text.isEmpty()) {
            String xdg = environment.getOrDefault("XDG_DATA_HOME", "");
            Path base = xdg.isBlank() ? Path.of(System.getProperty("user.home"), ".local", "share") : Path.of(xdg);
            return base.resolve("nbstack").toAbsolutePath().normalize();
        }
        Path given = fsPath(key, text);
        Path dir = given == null ? null : given.toAbsolutePath().normalize();
        if (dir != null && Files.exists(dir) && !Files.isDirectory(dir)) {
            in.problem(key, in.config().getValue(key), "a directory (or a path where one can be made), not a file");
        }
        return dir == null ? Path.of(".").toAbsolutePath().normalize() : dir;
    }

    private FileServiceSettings fileService(Path dataDir) {
        String section = path(ROOT, "smb", "shares");
        List<ShareSettings> shares = new ArrayList<>();
        Map<String, String> byLowerCase = new HashMap<>();
        for (String name : in.childKeys(section)) {
            String base = section + "." + path(name);
            if (!in.bool(base + ".enabled")) {
                in.markFreeForm(base); // a share left out: its other fields are not checked
                continue;
            }
            ShareNames.problem(name).ifPresent(rule -> in.sectionProblem(base, "is not a valid share name: it must be " + rule));
            String earlier = byLowerCase.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
            if (earlier != null) {
                in.sectionProblem(base, "names the same share as '" + earlier + "': share names ignore case");
            }
            String text = in.string(base + ".path").trim();
            Path given = text.isEmpty() ? Path.of(name) : fsPath(base + ".path", text);
            boolean inDataDir = given == null || !given.isAbsolute();
            Path dir = given == null ? dataDir.resolve(name) : dataDir.resolve(given).normalize();
            if (given != null && !inDataDir && !Files.isDirectory(dir)) {
                in.problem(base + ".path", in.config().getValue(base + ".path"),
                        "an existing directory (" + (Files.exists(dir) ? "it is not a directory" : "nothing is there") + ")");
            } else if (given != null && Files.exists(dir) && !Files.isDirectory(dir)) {
                in.sectionProblem(base, "is not valid: its directory " + dir + " exists and is not a directory");
            }
            shares.add(new ShareSettings(name, dir, inDataDir, in.bool(base + ".read-only"), in.bool(base + ".guest-ok"),
                    userList(base + ".valid-users"), userList(base + ".read-list"), userList(base + ".write-list")));
        }
        String smb = path(ROOT, "smb");
        String usersText = in.string(smb + ".users-file").trim();
        Path users = usersText.isEmpty() ? null : fsPath(smb + ".users-file", usersText);
        Path usersFile = users == null ? dataDir.resolve("users") : dataDir.resolve(users).normalize();
        if (Files.isDirectory(usersFile)) {
            in.problem(smb + ".users-file", in.config().getValue(smb + ".users-file"), "a file (it is a directory)");
        }
        return new FileServiceSettings(shares, usersFile, in.enumValue(smb + ".map-to-guest", FileServiceSettings.MapToGuest.class),
                in.enumValue(smb + ".signing", FileServiceSettings.Signing.class),
                in.enumValue(smb + ".encryption", FileServiceSettings.Encryption.class));
    }

    /** A share's list of account names: each must be a name {@code nbstack user add} would take. */
    private List<String> userList(String key) {
        List<String> names = in.stringList(key).stream().map(String::trim).filter(n -> !n.isEmpty()).toList();
        for (String name : names) {
            if (name.isEmpty() || name.length() > 64 || name.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c)
                    || "\"/\\[]:;|=,+*?<>@".indexOf(c) >= 0)) {
                in.problem(key, in.config().getValue(key), "a list of user names (1..64 characters, no white space, control characters"
                        + " or any of \"/\\[]:;|=,+*?<>@)");
                break;
            }
        }
        return names;
    }

    /** {@code text} as a path, unresolved; null (and a problem) when the file system cannot name it. */
    private Path fsPath(String key, String text) {
        try {
            return Path.of(text);
        } catch (InvalidPathException e) {
            in.problem(key, in.config().getValue(key), "a file system path (" + e.getReason() + ")");
            return null;
        }
    }

    private AdminSettings admin() {
        String admin = path(ROOT, "admin");
        return new AdminSettings(in.bool(admin + ".enabled"), in.hostPort(admin + ".bind"), in.integer(admin + ".threads", 1, 16),
                in.integer(admin + ".backlog", 1, 1024), in.duration(admin + ".query-timeout", Duration.ofMillis(10), Duration.ofMinutes(1)));
    }

    private LoggingSettings logging() {
        String logging = path(ROOT, "logging");
        String level = in.string(logging + ".level").trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(level) && in.config().hasPath(logging + ".level")) {
            in.problem(logging + ".level", in.config().getValue(logging + ".level"), "one of " + String.join(", ", LEVELS));
        }
        var levels = in.stringMap(logging + ".levels");
        levels.forEach((logger, value) -> {
            if (!LEVELS.contains(value.trim().toUpperCase(Locale.ROOT))) {
                String key = logging + ".levels." + path(logger);
                in.problem(key, in.config().getValue(logging + ".levels." + path(logger)), "one of " + String.join(", ", LEVELS));
            }
        });
        return new LoggingSettings(in.enumValue(logging + ".format", LoggingSettings.Format.class), level, levels);
    }
}
