package org.nbstack.tcp.link;

import java.net.URI;
import java.util.Locale;
import org.nbstack.tcp.wire.Ipv4;

/**
 * Makes a host on a {@code sim} switch vanish mid-run, and come back: every {@code sim} link on the switch drops
 * the packets from and to a blackholed address (also those already in flight), counted as
 * {@link SimLinkStats#blackholed()} by the link that carried them. Its peers see no ACK, no RST and no ICMP, as
 * when a host loses power or its cable; the address's own engine keeps running and keeps its connections.
 * A blackhole stays until {@link #restore}, also across links closed and opened again on the switch.
 */
public final class SimBlackholes {

    private SimBlackholes() {
    }

    /**
     * Drops everything from and to {@code address} on the switch of {@code simLink}.
     *
     * @param simLink a {@code sim://switchName[?...]} URI of a link open on that switch (the query is ignored)
     * @param address an IPv4 address of an engine on that switch
     */
    public static void blackhole(URI simLink, String address) {
        int a = address(address);
        MemSwitch medium = simSwitch(simLink);
        if (!medium.hasPort(a)) {
            throw new IllegalArgumentException("no engine on sim switch '" + LinkUri.parse(simLink, FaultyMemLink.KEYS).name
                    + "' has address " + address + "; blackhole an address an engine there owns");
        }
        medium.blackhole(a);
    }

    /** Carries packets from and to {@code address} again; nothing happens when it was not blackholed. */
    public static void restore(URI simLink, String address) {
        simSwitch(simLink).restore(address(address));
    }

    private static MemSwitch simSwitch(URI simLink) {
        if (simLink.getScheme() == null || !simLink.getScheme().toLowerCase(Locale.ROOT).equals("sim")) {
            throw new IllegalArgumentException("'" + simLink + "' is not a sim link; only sim://<switch> links can blackhole a host");
        }
        String name = LinkUri.parse(simLink, FaultyMemLink.KEYS).name;
        MemSwitch medium = MemSwitch.existing("sim:" + name);
        if (medium == null) {
            throw new IllegalArgumentException("no sim link was ever opened on switch '" + name + "'");
        }
        return medium;
    }

    private static int address(String address) {
        int a;
        try {
            a = Ipv4.parse(address);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("'" + address + "' is not an IPv4 address", e);
        }
        if (a >>> 24 == 127) {
            throw new IllegalArgumentException(address + " is a loopback address, which never reaches a switch (its engine answers it)");
        }
        return a;
    }
}
