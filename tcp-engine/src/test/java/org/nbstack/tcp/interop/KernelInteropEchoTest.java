package org.nbstack.tcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.nbstack.tcp.core.CloseReason;
import org.nbstack.tcp.core.TcpConfig;

/**
 * The engine against the Linux kernel's own TCP over a TUN device: a kernel client echoed by an
 * engine server, and an engine client echoed by a kernel server, at the usual 1500-byte MTU.
 */
class KernelInteropEchoTest {
    private static final int MTU = 1500;
    private static final int PORT = 139;

    @Test
    void kernelClientIsEchoedByAnEngineServer() throws Exception {
        try (TunNetwork net = TunNetwork.open(MTU, TunNetwork.tcpFor(MTU))) {
            List<EngineStream> accepted = new ArrayList<>();
            net.listen(PORT, () -> {
                EngineStream e = new EngineStream("server");
                e.echo = true;
                e.checkPattern = false;
                e.closeOnPeerFin = true;
                return e;
            }, accepted);
            // The kernel sends 3 MB of the pattern and reads the echo back until the engine's FIN.
            KernelPeer client = KernelPeer.start(net.ns, "connect", TunNetwork.ENGINE, "" + PORT, "0", "source",
                    "" + (3 << 20));
            client.await("ready", 10_000);
            String done = client.await("done", 60_000);
            assertThat(KernelPeer.number(done, "sent")).isEqualTo(3 << 20);
            assertThat(KernelPeer.number(done, "received")).as("echoed bytes").isEqualTo(3 << 20);
            EngineStream server = accepted.get(0);
            assertThat(server.closed.get(10, TimeUnit.SECONDS)).isEqualTo(CloseReason.NORMAL);
            assertThat(server.received).isEqualTo(3 << 20);
        }
    }

    @Test
    void engineClientIsEchoedByAKernelServer() throws Exception {
        try (TunNetwork net = TunNetwork.open(MTU, TunNetwork.tcpFor(MTU))) {
            KernelPeer server = KernelPeer.start(net.ns, "listen", TunNetwork.KERNEL, "" + PORT, "echo");
            server.await("ready", 10_000);
            EngineStream client = new EngineStream("client").sending(3 << 20);
            client.shutdownWhenSent = true; // the kernel echoes until our FIN, then closes
            client.closeOnPeerFin = true;
            TcpConfig tcp = TunNetwork.tcpFor(MTU);
            net.connect(PORT, client, tcp, null);
            String done = server.await("done", 60_000);
            assertThat(KernelPeer.number(done, "received")).isEqualTo(3 << 20);
            assertThat(client.closed.get(70, TimeUnit.SECONDS)).isEqualTo(CloseReason.NORMAL);
            assertThat(client.received).as("echoed bytes").isEqualTo(3 << 20);
            assertThat(client.firstBad).as("first corrupted byte").isEqualTo(-1);
        }
    }
}
