/**
 * PacketLink implementations: {@code mem} (engines in one JVM exchange packets by reference through a
 * named switch) and {@code sim} (mem plus seeded loss, duplication, reordering, delay, corruption, MTU).
 */
package org.nbstack.tcp.link;
