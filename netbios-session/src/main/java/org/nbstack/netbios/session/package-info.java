/**
 * Established sessions: the handler API ({@link org.nbstack.netbios.session.SessionHandler},
 * {@link org.nbstack.netbios.session.NetbiosSession}) and what isolates one session from another: its own bounded
 * inbound and outbound queues, memory budget and timers, all on its channel's event loop. Shared by server and client.
 */
package org.nbstack.netbios.session;
