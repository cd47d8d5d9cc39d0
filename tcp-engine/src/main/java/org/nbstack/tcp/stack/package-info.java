/**
 * The stack around the connection core ({@code tcp.core}): demultiplexing of arriving segments to connections and
 * listeners, the listeners with their bounded SYN and accept queues and SYN cookies (RFC 4987), the TIME_WAIT table
 * and its bound, ephemeral port choice (RFC 6056), keyed initial sequence numbers and timestamp offsets (RFC 6528,
 * RFC 7323), resets for segments nobody owns, per-source and memory limits, counters, metrics and the
 * {@code netstat} listing. Sans-I/O like the core: time comes in as an argument, packets go out through a
 * {@link org.nbstack.tcp.stack.PacketOutput}; one stack serves one shard (event loop).
 */
package org.nbstack.tcp.stack;
