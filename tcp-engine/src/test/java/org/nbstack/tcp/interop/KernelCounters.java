package org.nbstack.tcp.interop;

import java.util.List;

/** TCP counters of the kernel inside a test's namespace (/proc/net is per namespace), as nstat shows them. */
record KernelCounters(long retransSegs, long synRetrans) {

    static KernelCounters read(Netns ns) {
        return new KernelCounters(field(ns.exec("cat", "/proc/net/snmp"), "Tcp:", "RetransSegs"),
                field(ns.exec("cat", "/proc/net/netstat"), "TcpExt:", "TCPSynRetrans"));
    }

    /** Tcp InCsumErrors: segments the kernel's TCP dropped for a bad checksum. */
    static long tcpChecksumErrors(Netns ns) {
        return field(ns.exec("cat", "/proc/net/snmp"), "Tcp:", "InCsumErrors");
    }

    /** /proc/net/snmp and netstat pair a header line of names with a line of values. */
    private static long field(String text, String prefix, String name) {
        List<String> lines = text.lines().filter(l -> l.startsWith(prefix)).toList();
        for (int i = 0; i + 1 < lines.size(); i += 2) {
            String[] names = lines.get(i).split("\\s+");
            String[] values = lines.get(i + 1).split("\\s+");
            for (int k = 1; k < names.length; k++) {
                if (names[k].equals(name)) {
                    return Long.parseLong(values[k]);
                }
            }
        }
        throw new AssertionError("no " + prefix + " " + name + " in the kernel's counters");
    }
}
