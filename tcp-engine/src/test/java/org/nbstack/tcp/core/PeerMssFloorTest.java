package org.nbstack.tcp.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nbstack.tcp.wire.TcpFlags;
import org.nbstack.tcp.wire.TcpOptions;
import org.nbstack.tcp.wire.TcpSegment;

/**
 * CVE-2019-11479 class: a peer's SYN announcing a tiny MSS must not make us cut our data into tiny segments
 * (a 1-byte MSS costs 40 bytes of headers and one segment's processing per byte, at both ends). Like Linux's
 * tcp_min_snd_mss the peer's MSS is raised to 48 bytes, and counted.
 */
class PeerMssFloorTest {
    private static final long SEC = 1_000_000_000L;
    private ConnectionPair pair;

    @AfterEach
    void release() {
        if (pair != null) {
            pair.close();
        }
    }

    @ParameterizedTest(name = "MSS option {0}")
    @ValueSource(ints = {1, 47})
    void tinyPeerMssIsRaisedToTheFloorAndCounted(int announcedMss) {
        pair = ConnectionPair.of(TcpConfig.DEFAULT);
        List<Integer> serverPayloads = new ArrayList<>();
        pair.rewrite = (seg, fromClient) -> {
            if (fromClient && seg.has(TcpFlags.SYN)) {
                TcpOptions o = seg.options;
                return new TcpSegment(seg.srcAddr, seg.dstAddr, seg.srcPort, seg.dstPort, seg.seq, seg.ack, seg.flags,
                        seg.window, new TcpOptions(announcedMss, o.windowScale, o.sackPermitted, o.hasTimestamps,
                                o.tsVal, o.tsEcr, new int[0]), seg.payload);
            }
            if (!fromClient && seg.payloadLength() > 0) {
                serverPayloads.add(seg.payloadLength());
            }
            return seg;
        };
        pair.open();
        assertThat(pair.runUntil(() -> pair.client.established && pair.server.established, 5 * SEC)).isTrue();
        assertThat(pair.counters.peerMssClamped).isEqualTo(1);

        pair.server.write(new byte[36 * 100]);
        assertThat(pair.runUntil(() -> pair.client.received == 36 * 100, 60 * SEC)).isTrue();
        // 48 bytes less the 12 of the timestamps option: 36 bytes of data per segment, never fewer.
        assertThat(pair.server.conn.sendMss()).isEqualTo(Handshake.MIN_PEER_MSS - 12);
        assertThat(serverPayloads).hasSize(100).allMatch(n -> n == 36);
    }
}
