package org.nbstack.tcp.link;

import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.nbstack.spi.link.LinkCounters;
import org.nbstack.spi.link.PacketReceiver;
import org.nbstack.tcp.wire.Ipv4;

/**
 * A named in-JVM switch: every link opened on it reaches every other by destination IPv4 address.
 * Routing reads an immutable array of ports (copy-on-write on attach and detach), so the per-packet
 * path takes no lock and allocates nothing; switches have a handful of ports, so a scan beats a map.
 */
final class MemSwitch {
    private static final ConcurrentMap<String, MemSwitch> SWITCHES = new ConcurrentHashMap<>();

    /** One attached link: the addresses it answers for and where its packets go. */
    record Port(int[] addresses, PacketReceiver receiver, LinkCounters counters) {
        boolean owns(int address) {
            for (int a : addresses) {
                if (a == address) {
                    return true;
                }
            }
            return false;
        }
    }

    private final String name;
    private volatile Port[] ports = new Port[0];
    /** Addresses whose packets, both directions, {@code sim} links drop (copy-on-write, read per packet). */
    private volatile int[] blackholed = new int[0];

    private MemSwitch(String name) {
        this.name = name;
    }

    static MemSwitch named(String name) {
        return SWITCHES.computeIfAbsent(name, MemSwitch::new);
    }

    /** The switch of that name if a link was ever opened on it, else null. */
    static MemSwitch existing(String name) {
        return SWITCHES.get(name);
    }

    /** Whether the address has a port on this switch now. */
    boolean hasPort(int address) {
        return route(address) != null;
    }

    synchronized void blackhole(int address) {
        if (!isBlackholed(address)) {
            int[] next = Arrays.copyOf(blackholed, blackholed.length + 1);
            next[blackholed.length] = address;
            blackholed = next;
        }
    }

    synchronized void restore(int address) {
        blackholed = Arrays.stream(blackholed).filter(a -> a != address).toArray();
    }

    boolean isBlackholed(int address) {
        for (int a : blackholed) {
            if (a == address) {
                return true;
            }
        }
        return false;
    }

    /** Whether the packet comes from or goes to a blackholed address (IPv4 source and destination, RFC 791 §3.1). */
    boolean swallows(ByteBuf packet) {
        if (blackholed.length == 0) {
            return false;
        }
        int at = packet.readerIndex();
        return isBlackholed(packet.getInt(at + 12)) || isBlackholed(packet.getInt(at + 16));
    }

    synchronized void attach(Port port) {
        for (Port p : ports) {
            for (int a : port.addresses) {
                if (p.owns(a)) {
                    throw new IllegalArgumentException("address " + Ipv4.toString(a) + " is already on switch '"
                            + name + "'; give each engine on one switch its own addresses");
                }
            }
        }
        Port[] next = Arrays.copyOf(ports, ports.length + 1);
        next[ports.length] = port;
        ports = next;
    }

    synchronized void detach(Port port) {
        ports = Arrays.stream(ports).filter(p -> p != port).toArray(Port[]::new);
    }

    /** The port owning {@code address}, or null. */
    Port route(int address) {
        for (Port p : ports) {
            if (p.owns(address)) {
                return p;
            }
        }
        return null;
    }

    /** Hands {@code packet} to the port owning its destination address; false (packet not taken) when none does. */
    boolean forward(ByteBuf packet) {
        Port port = route(packet.getInt(packet.readerIndex() + 16)); // IPv4 destination address (RFC 791 §3.1)
        if (port == null) {
            return false;
        }
        port.counters.received(packet.readableBytes());
        port.receiver.receive(packet);
        return true;
    }

    String name() {
        return name;
    }
}
