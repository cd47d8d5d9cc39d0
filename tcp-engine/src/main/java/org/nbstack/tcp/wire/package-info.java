/**
 * The wire format: IPv4 and TCP header encoding and decoding (RFC 791, RFC 9293 §3.1), TCP options (MSS, window
 * scale, SACK, timestamps), Internet checksums with the pseudo-header, and the reasons and counts of packets dropped
 * as malformed. Nothing read from the wire throws: bad input is dropped and counted by {@code DropReason}.
 */
package org.nbstack.tcp.wire;
