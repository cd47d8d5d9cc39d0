package org.nbstack.tcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.stack.StackCounters;

/**
 * Seed 000 (Q230307) against the kernel's TCP: the engine server closes first and so holds TIME_WAIT;
 * the kernel client reconnects at once from the same source port (SO_REUSEADDR). The kernel's new SYN
 * carries a newer timestamp, so the engine reopens the 4-tuple on that one SYN: the connection is
 * established in well under 100 ms and neither side retransmits a SYN.
 */
class KernelInteropQ230307ReconnectTest {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(KernelInteropQ230307ReconnectTest.class);
    private static final int MTU = 1500;
    private static final int PORT = 139;
    private static final int CLIENT_PORT = 45000;

    @Test
    void reconnectIntoTheEnginesTimeWaitIsImmediate() throws Exception {
        try (TunNetwork net = TunNetwork.open(MTU, TunNetwork.tcpFor(MTU))) {
            // Sequence numbers of the SYNs the engine received, in order: a retransmitted SYN repeats its ISN.
            List<Integer> synSeqs = java.util.Collections.synchronizedList(new ArrayList<>());
            net.loop.dropInbound = p -> {
                if (Packets.isPlainSyn(p)) {
                    synSeqs.add(p.getInt(p.readerIndex() + (p.getByte(p.readerIndex()) & 0xf) * 4 + 4));
                }
                return false;
            };
            List<EngineStream> accepted = new ArrayList<>();
            net.listen(PORT, () -> {
                EngineStream e = new EngineStream("server").sending(64);
                e.checkPattern = false;
                e.closeWhenSent = true; // the server closes first
                return e;
            }, accepted);
            KernelCounters before = KernelCounters.read(net.ns);

            KernelPeer client = KernelPeer.start(net.ns, "reconnect", TunNetwork.ENGINE, "" + PORT, "" + CLIENT_PORT);
            String done = client.await("done", 20_000);

            double[] connectMs = KernelPeer.numbers(done, "connect_ms");
            assertThat(connectMs).hasSize(2);
            log.info("kernel connect times into the engine: first {} ms, reconnect into TIME_WAIT {} ms", connectMs[0],
                    connectMs[1]);
            // The seed's slow reconnect was a SYN dropped by TIME_WAIT and resent after the kernel's 1 s initial RTO
            // (RFC 6298 2.1); below that the one SYN was answered at once (counted exactly below). A busy machine
            // adds milliseconds, never that second.
            assertThat(connectMs[1]).as("reconnect time (ms) into TIME_WAIT").isLessThan(900);
            StackCounters counters = net.call(s -> s.counters());
            assertThat(counters.timeWaitReused).as("the second SYN found the first connection in TIME_WAIT")
                    .isEqualTo(1);
            // The seed is about the reconnect: its SYN (the second ISN) arrives once and is answered. The first
            // connect may be slow on a loaded machine; that is not TIME_WAIT's doing.
            List<Integer> isns = synSeqs.stream().distinct().toList();
            assertThat(isns).as("distinct SYNs (connections)").hasSize(2);
            long firstSyns = synSeqs.stream().filter(isns.get(0)::equals).count();
            long reconnectSyns = synSeqs.stream().filter(isns.get(1)::equals).count();
            log.info("SYNs seen: first connection {}, reconnect {}", firstSyns, reconnectSyns);
            // Linux answers an old ACK to its SYN with a RST and resends the SYN within ~10 ms: a second SYN
            // here means the engine did not take the first as a new incarnation (as with an equal timestamp).
            assertThat(reconnectSyns).as("SYNs of the reconnect").isEqualTo(1);
            // The kernel's own counter is the authority on retransmission: every retransmitted SYN it
            // counts must belong to the first connect, none to the reconnect into TIME_WAIT.
            KernelCounters after = KernelCounters.read(net.ns);
            assertThat(after.synRetrans() - before.synRetrans()).as("kernel SYN retransmissions beyond the first connect")
                    .isLessThanOrEqualTo(firstSyns - 1);
            long engineSynRetransmits = net.call(s -> s.tcpCounters().synRetransmits);
            assertThat(engineSynRetransmits).isZero();
            assertThat(accepted).hasSize(2);
        }
    }
}
