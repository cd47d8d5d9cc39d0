package org.nbstack.tcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nbstack.tcp.core.CloseReason;

/**
 * Seed 003 (Q254930) against the kernel's TCP: the link drops the engine's first FIN. The engine
 * retransmits it, the kernel still sees the close, and both sides reach CLOSED; nothing stays in
 * FIN_WAIT or LAST_ACK. Covered for the engine closing first (its FIN in FIN_WAIT_1) and closing
 * second (its FIN in LAST_ACK).
 */
class KernelInteropQ254930DroppedFinTest {
    private static final int MTU = 1500;
    private static final int PORT = 139;

    @ParameterizedTest(name = "engine closes first: {0}")
    @ValueSource(booleans = {true, false})
    void theKernelSeesTheCloseAndBothSidesReachClosed(boolean engineClosesFirst) throws Exception {
        try (TunNetwork net = TunNetwork.open(MTU, TunNetwork.tcpFor(MTU))) {
            AtomicInteger finsDropped = new AtomicInteger();
            net.loop.dropOutbound = p -> Packets.hasFlags(p, Packets.FIN) && finsDropped.getAndIncrement() == 0;
            List<EngineStream> accepted = new ArrayList<>();
            net.listen(PORT, () -> {
                EngineStream e = new EngineStream("server");
                e.checkPattern = false;
                if (engineClosesFirst) {
                    e.sending(64);
                    e.closeWhenSent = true;
                } else {
                    e.closeOnPeerFin = true;
                }
                return e;
            }, accepted);
            KernelPeer client = KernelPeer.start(net.ns, "connect", TunNetwork.ENGINE, "" + PORT, "0",
                    engineClosesFirst ? "waitclose" : "closefirst");
            client.await("done", 20_000);
            assertThat(client.waitForExit(10_000)).isTrue();
            assertThat(CloseStates.await(() -> !accepted.isEmpty(), 5_000)).isTrue();
            EngineStream server = accepted.get(0);
            assertThat(server.closed.get(20, TimeUnit.SECONDS)).as(server.toString()).isEqualTo(CloseReason.NORMAL);
            assertThat(net.loop.droppedOut).as("FINs dropped by the link").isEqualTo(1);
            long finRetransmits = net.call(s -> s.tcpCounters().finRetransmits);
            assertThat(finRetransmits).isGreaterThanOrEqualTo(1);
            assertThat(CloseStates.awaitClean(net, 5_000))
                    .as("kernel:\n%s\nengine:\n%s", net.kernelSockets(), net.engineSockets()).isTrue();
            if (engineClosesFirst) {
                // The kernel closed second (LAST_ACK -> CLOSED): it holds nothing for the port.
                assertThat(net.kernelSockets()).doesNotContain(":" + PORT + " ");
            }
        }
    }
}
