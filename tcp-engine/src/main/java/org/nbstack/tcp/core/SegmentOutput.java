package org.nbstack.tcp.core;

import org.nbstack.tcp.wire.TcpSegment;

/** Where a connection puts the segments it sends. The receiver owns the segment's payload. */
@FunctionalInterface
public interface SegmentOutput {
    void send(TcpSegment segment);
}
