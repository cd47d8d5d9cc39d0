package org.nbstack.tcp.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpCounters;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bulk transfer between the engine and the kernel's TCP under {@code loss 1% reorder 5% delay 1ms},
 * byte-exact, in both directions. Two sources of that impairment:
 * <ul>
 * <li>NETEM: {@code tc qdisc add dev TUN root netem ...} inside the namespace (the kernel's egress
 *     towards the engine); skipped with a message where the kernel has no sch_netem;</li>
 * <li>LINK: the test's TUN driver applies the same loss/reorder/delay to both directions itself, so
 *     the loss path of both TCPs is exercised on every kernel.</li>
 * </ul>
 * 4 GiB each way, as the clean runs, so the impaired transfers cross the 2^32 sequence wrap too: about 28 s per
 * direction on the 2-core dev machine under load (about 154 MB/s, see README);
 * -Dnbstack.interop.impairedBytes changes the size.
 */
class KernelInteropImpairedBulkTest {
    private static final Logger log = LoggerFactory.getLogger(KernelInteropImpairedBulkTest.class);
    private static final int MTU = 65535;
    private static final long BYTES = Long.getLong("nbstack.interop.impairedBytes", 4L << 30);
    private static final int PORT = 445;

    enum Impairment { NETEM, LINK }

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Impairment i : Impairment.values()) {
            out.add(Arguments.of(i, true));
            out.add(Arguments.of(i, false));
        }
        return out;
    }

    private static void impair(TunNetwork net, Impairment how) {
        if (how == Impairment.LINK) {
            net.loop.impair = new LinkImpairment(0.01, 0.05, 1_000_000L, 254930);
            return;
        }
        assumeTrue(Netns.onPath("tc"), "skipped: tc (iproute2) is not installed");
        Netns.Result r = net.ns.tryExec("tc", "qdisc", "add", "dev", net.tun.name(), "root", "netem", "loss", "1%",
                "reorder", "5%", "delay", "1ms");
        assumeTrue(r.exit() == 0, () -> "skipped: this kernel has no sch_netem (tc said: " + r.output().strip()
                + "); the LINK variant covers the same impairment");
    }

    @ParameterizedTest(name = "{0}, kernel sends: {1}")
    @MethodSource("cases")
    void byteExactUnderLossReorderAndDelay(Impairment how, boolean kernelSends) throws Exception {
        try (TunNetwork net = TunNetwork.open(MTU, TunNetwork.tcpFor(MTU))) {
            impair(net, how);
            long start = System.nanoTime();
            if (kernelSends) {
                List<EngineStream> accepted = new ArrayList<>();
                net.listen(PORT, () -> {
                    EngineStream e = new EngineStream("server");
                    e.closeOnPeerFin = true;
                    return e;
                }, accepted);
                KernelPeer client = KernelPeer.start(net.ns, "connect", TunNetwork.ENGINE, "" + PORT, "0", "source",
                        "" + BYTES);
                String done = client.await("done", 600_000);
                assertThat(KernelPeer.number(done, "sent")).isEqualTo(BYTES);
                EngineStream server = accepted.get(0);
                assertThat(server.closed.get(60, TimeUnit.SECONDS)).isEqualTo(CloseReason.NORMAL);
                assertThat(server.received).isEqualTo(BYTES);
                assertThat(server.firstBad).isEqualTo(-1);
            } else {
                KernelPeer server = KernelPeer.start(net.ns, "listen", TunNetwork.KERNEL, "" + PORT, "sink", "" + BYTES);
                server.await("ready", 10_000);
                EngineStream client = new EngineStream("client").sending(BYTES);
                client.closeWhenSent = true;
                net.connect(PORT, client, TunNetwork.tcpFor(MTU), -(1 << 20));
                String done = server.await("done", 600_000);
                assertThat(KernelPeer.bool(done, "ok")).as(done).isTrue();
                assertThat(client.closed.get(60, TimeUnit.SECONDS)).isEqualTo(CloseReason.NORMAL);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            TcpCounters c = net.call(s -> s.tcpCounters());
            log.info("{} impairment, {}: {} bytes in {} s ({} MB/s); engine retransmitted {} segments ({} fast), "
                    + "link dropped {} out / {} in", how, kernelSends ? "kernel -> engine" : "engine -> kernel", BYTES,
                    KernelInteropBulkTest.fmt(seconds), KernelInteropBulkTest.fmt(BYTES / seconds / 1e6),
                    c.retransmittedSegments, c.fastRetransmits, net.loop.droppedOut, net.loop.droppedIn);
        }
    }
}
