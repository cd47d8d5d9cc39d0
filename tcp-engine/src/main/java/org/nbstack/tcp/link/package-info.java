/**
 * PacketLink implementations: {@code mem} (engines in one JVM exchange packets by reference through a
 * named switch), {@code sim} (mem plus seeded loss, duplication, reordering, delay, corruption, MTU, under
 * {@link org.nbstack.tcp.link.LinkFaults}, the fault model the deterministic simulator's links use too), {@code udp}
 * and {@code tun}.
 */
package org.nbstack.tcp.link;
