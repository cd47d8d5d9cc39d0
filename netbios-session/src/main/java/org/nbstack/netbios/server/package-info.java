/**
 * The NetBIOS session server: {@link org.nbstack.netbios.server.NetbiosServer} answers SESSION REQUESTs
 * (RFC 1002 §5.2.1.2) from its {@link org.nbstack.netbios.server.ListenerRegistry} and runs each established
 * session's {@link org.nbstack.netbios.session.SessionHandler}.
 */
package org.nbstack.netbios.server;
