/** The transport SPIs: {@code Transport} (a Netty transport chosen by name) and {@code PacketLink} (how the engine exchanges IP packets). */
package org.nbstack.spi;
