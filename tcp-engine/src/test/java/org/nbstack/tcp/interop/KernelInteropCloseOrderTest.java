package org.nbstack.tcp.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nbstack.tcp.core.CloseReason;

/**
 * Every close order against the kernel's TCP, with the engine as server and as client: the kernel
 * closes first, the engine closes first, both at once. Afterwards neither side has a connection left
 * in FIN_WAIT_1, FIN_WAIT_2, CLOSING or LAST_ACK (the active closer's TIME_WAIT is expected).
 */
class KernelInteropCloseOrderTest {
    private static final int MTU = 1500;
    private static final int PORT = 139;

    enum Order {
        KERNEL_FIRST("closefirst"), ENGINE_FIRST("waitclose"), BOTH("bothclose");

        final String kernelAction;

        Order(String kernelAction) {
            this.kernelAction = kernelAction;
        }
    }

    static List<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        for (Order o : Order.values()) {
            out.add(Arguments.of(true, o));
            out.add(Arguments.of(false, o));
        }
        return out;
    }

    private static EngineStream engineSide(Order order) {
        EngineStream e = new EngineStream("engine");
        e.checkPattern = false;
        switch (order) {
            case KERNEL_FIRST -> e.closeOnPeerFin = true;
            case ENGINE_FIRST -> {
                e.sending(100);
                e.closeWhenSent = true;
            }
            case BOTH -> {
                e.sending(100);
                e.shutdownWhenSent = true;
                e.closeOnPeerFin = true;
            }
        }
        return e;
    }

    @ParameterizedTest(name = "engine is server: {0}, {1}")
    @MethodSource("cases")
    void nothingIsLeftHalfClosed(boolean engineIsServer, Order order) throws Exception {
        try (TunNetwork net = TunNetwork.open(MTU, TunNetwork.tcpFor(MTU))) {
            EngineStream engine;
            KernelPeer kernel;
            if (engineIsServer) {
                List<EngineStream> accepted = new ArrayList<>();
                net.listen(PORT, () -> engineSide(order), accepted);
                kernel = KernelPeer.start(net.ns, "connect", TunNetwork.ENGINE, "" + PORT, "0", order.kernelAction);
                kernel.await("done", 20_000);
                assertThat(CloseStates.await(() -> !accepted.isEmpty(), 5_000)).isTrue();
                engine = accepted.get(0);
            } else {
                kernel = KernelPeer.start(net.ns, "listen", TunNetwork.KERNEL, "" + PORT, order.kernelAction);
                kernel.await("ready", 10_000);
                engine = net.connect(PORT, engineSide(order), TunNetwork.tcpFor(MTU), null);
                kernel.await("done", 20_000);
            }
            assertThat(kernel.waitForExit(10_000)).isTrue();
            assertThat(engine.closed.get(20, TimeUnit.SECONDS)).as(engine.toString()).isEqualTo(CloseReason.NORMAL);
            boolean clean = CloseStates.awaitClean(net, 5_000);
            assertThat(clean).as("kernel:\n%s\nengine:\n%s", net.kernelSockets(), net.engineSockets()).isTrue();
            int left = net.call(s -> s.connectionCount());
            assertThat(left).as("engine connections left").isZero();
        }
    }
}
