package org.nbstack.tcp.link;

import org.nbstack.spi.link.PacketLink;

/** A snapshot of what a {@code sim} link did to its packets; all zero for any other link. */
public record SimLinkStats(long lost, long duplicated, long reordered, long corrupted, long overMtu, long blackholed) {

    public static SimLinkStats of(PacketLink link) {
        if (link instanceof FaultyMemLink sim) {
            SimCounters c = sim.simCounters();
            return new SimLinkStats(c.lost(), c.duplicated(), c.reordered(), c.corrupted(), c.tooBig(), c.blackholed());
        }
        return new SimLinkStats(0, 0, 0, 0, 0, 0);
    }
}
