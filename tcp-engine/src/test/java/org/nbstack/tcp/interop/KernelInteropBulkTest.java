package org.nbstack.tcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * 4 GiB each way between the engine and the kernel's TCP over a TUN device with a 65,535-byte MTU,
 * byte-exact (every byte compared with the pattern on the receiving side). 4 GiB is the whole
 * sequence space, so both sides' sequence numbers wrap whatever their ISN; the engine's ISN is also
 * forced just below the wrap so its sender wraps early. Set -Dnbstack.interop.bulkBytes to change
 * the size.
 */
class KernelInteropBulkTest {
    private static final Logger log = LoggerFactory.getLogger(KernelInteropBulkTest.class);
    static final int MTU = 65535;
    static final long BYTES = Long.getLong("nbstack.interop.bulkBytes", 4L << 30);
    private static final int PORT = 445;
    private static final long TIMEOUT_SECONDS = 600;

    @Test
    void kernelClientSendsFourGibToAnEngineServer() throws Exception {
        try (TunNetwork net = TunNetwork.open(MTU, TunNetwork.tcpFor(MTU))) {
            List<EngineStream> accepted = new ArrayList<>();
            net.listen(PORT, () -> {
                EngineStream e = new EngineStream("server");
                e.closeOnPeerFin = true;
                return e;
            }, accepted);
            long start = System.nanoTime();
            KernelPeer client = KernelPeer.start(net.ns, "connect", TunNetwork.ENGINE, "" + PORT, "0", "source",
                    "" + BYTES);
            String done = client.await("done", TIMEOUT_SECONDS * 1000);
            double seconds = (System.nanoTime() - start) / 1e9;
            EngineStream server = accepted.get(0);
            assertThat(server.closed.get(30, TimeUnit.SECONDS)).isEqualTo(CloseReason.NORMAL);
            assertThat(KernelPeer.number(done, "sent")).isEqualTo(BYTES);
            assertThat(server.received).isEqualTo(BYTES);
            assertThat(server.firstBad).as("first byte that differs from what the kernel sent").isEqualTo(-1);
            log.info("kernel -> engine over TUN: {} bytes in {} s ({} MB/s)", BYTES, fmt(seconds),
                    fmt(BYTES / seconds / 1e6));
        }
    }

    @Test
    void engineClientSendsFourGibToAKernelServerAcrossItsOwnSequenceWrap() throws Exception {
        try (TunNetwork net = TunNetwork.open(MTU, TunNetwork.tcpFor(MTU))) {
            KernelPeer server = KernelPeer.start(net.ns, "listen", TunNetwork.KERNEL, "" + PORT, "sink", "" + BYTES);
            server.await("ready", 10_000);
            EngineStream client = new EngineStream("client").sending(BYTES);
            client.closeWhenSent = true;
            long start = System.nanoTime();
            net.connect(PORT, client, TunNetwork.tcpFor(MTU), -(16 << 20)); // wraps after the first 16 MiB
            String done = server.await("done", TIMEOUT_SECONDS * 1000);
            double seconds = (System.nanoTime() - start) / 1e9;
            assertThat(KernelPeer.number(done, "received")).isEqualTo(BYTES);
            assertThat(KernelPeer.bool(done, "ok")).as("kernel saw the exact pattern; " + done).isTrue();
            assertThat(client.closed.get(30, TimeUnit.SECONDS)).isEqualTo(CloseReason.NORMAL);
            log.info("engine -> kernel over TUN: {} bytes in {} s ({} MB/s)", BYTES, fmt(seconds),
                    fmt(BYTES / seconds / 1e6));
        }
    }

    static String fmt(double v) {
        return String.format(java.util.Locale.ROOT, "%.1f", v);
    }
}
