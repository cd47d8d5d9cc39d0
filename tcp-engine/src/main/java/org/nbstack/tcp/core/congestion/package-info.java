/**
 * Congestion control behind one interface ({@link org.nbstack.tcp.core.congestion.CongestionControl}): how
 * large the congestion window is, how it grows on ACKs and how it shrinks on loss. {@code NewReno} (RFC 5681,
 * RFC 6582, RFC 3465) and {@code Cubic} (RFC 9438, with HyStart++ of RFC 9406 in slow start) implement it;
 * {@code ProportionalRateReduction} (RFC 6937) sizes the window during SACK recovery. Pure classes with explicit
 * time: every call takes {@code now} in nanoseconds, nothing reads a clock.
 */
package org.nbstack.tcp.core.congestion;
