/**
 * The engine's IPv4 layer between a link and TCP: header and source-address validation (RFC 1122 3.2.1.3),
 * ICMP (echo, RFC 792; "fragmentation needed", RFC 1191 with the RFC 5927 checks) and fragment reassembly
 * (RFC 791, RFC 815) with bounded memory and a timeout. {@link org.nbstack.tcp.ip.IpInput} is the entry point
 * the stack calls for every packet from the link. Sans-I/O like the core: time comes in as an argument.
 */
package org.nbstack.tcp.ip;
