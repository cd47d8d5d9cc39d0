package org.nbstack.loadtest.targets;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.nbstack.spi.TransportOptions;

/**
 * The named load targets. The engine profiles use the engine transport's options {@code addresses}, {@code link}
 * and {@code threads}; their addresses are the engines' own, never routed by the kernel: over udp each IP packet
 * travels in a datagram to 127.0.0.1, over TUN inside a network namespace made for the run.
 */
public final class LoadTargets {

    /** System property choosing the target by name. */
    public static final String PROPERTY = "nbstack.loadtest.transport";
    public static final String DEFAULT = "nio";

    private static final String ENGINE_SERVER_IP = "10.139.0.1";
    private static final String ENGINE_CLIENT_IP = "10.139.0.2";
    private static final int ENGINE_SERVER_UDP = 11490;
    private static final int ENGINE_CLIENT_UDP = 11491;
    private static final String TUN_ENGINE_IP = "10.77.139.2";

    private static final Map<String, LoadTarget> TARGETS = new LinkedHashMap<>();

    static {
        add(new LoadTarget("nio", "nio", TransportOptions.empty(), "nio", TransportOptions.empty(), "127.0.0.1", false));
        add(new LoadTarget("epoll", "epoll", TransportOptions.empty(), "epoll", TransportOptions.empty(), "127.0.0.1", false));
        add(new LoadTarget("engine-udp", "engine",
                TransportOptions.of(Map.of("addresses", ENGINE_SERVER_IP, "threads", "1", "link", udpLink(ENGINE_SERVER_UDP,
                        ENGINE_CLIENT_IP, ENGINE_CLIENT_UDP))),
                "engine",
                TransportOptions.of(Map.of("addresses", ENGINE_CLIENT_IP, "threads", "1", "link", udpLink(ENGINE_CLIENT_UDP,
                        ENGINE_SERVER_IP, ENGINE_SERVER_UDP))),
                ENGINE_SERVER_IP, false));
        // The server's engine answers for TUN_ENGINE_IP on a TUN device; the clients are kernel sockets in the same
        // namespace, routed to it through the device (NetworkNamespace sets up the kernel side).
        add(new LoadTarget("engine-tun", "engine",
                TransportOptions.of(Map.of("addresses", TUN_ENGINE_IP, "threads", "1", "link", "tun://" + NetworkNamespace.TUN_DEVICE)),
                "nio", TransportOptions.empty(), TUN_ENGINE_IP, true));
    }

    private LoadTargets() {
    }

    private static void add(LoadTarget target) {
        TARGETS.put(target.name(), target);
    }

    private static String udpLink(int ownPort, String peerIp, int peerPort) {
        return "udp://127.0.0.1:" + ownPort + "?peer." + peerIp + "=127.0.0.1:" + peerPort;
    }

    public static List<String> names() {
        return List.copyOf(TARGETS.keySet());
    }

    /** The target called {@code name}, or an IllegalArgumentException listing the known names. */
    public static LoadTarget named(String name) {
        LoadTarget target = TARGETS.get(name);
        if (target == null) {
            throw new IllegalArgumentException("unknown load target '" + name + "'; choose one of " + names());
        }
        return target;
    }

    /** The target named by {@value #PROPERTY} (default {@value #DEFAULT}) with option overrides from the same properties. */
    public static LoadTarget fromSystemProperties() {
        Properties system = System.getProperties();
        Map<String, String> properties = new TreeMap<>();
        for (String key : system.stringPropertyNames()) {
            properties.put(key, system.getProperty(key));
        }
        return named(properties.getOrDefault(PROPERTY, DEFAULT)).withOverrides(properties);
    }
}
