/** The NetBIOS session client, for tests, load tests and the CLI: {@link org.nbstack.netbios.client.NetbiosClient}. */
package org.nbstack.netbios.client;
