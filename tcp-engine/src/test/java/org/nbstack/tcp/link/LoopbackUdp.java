package org.nbstack.tcp.link;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Plain kernel UDP on 127.0.0.1 for the udp-link tests: free ports, raw datagrams, waiting for counters. */
public final class LoopbackUdp {

    private LoopbackUdp() {
    }

    /** A UDP port on 127.0.0.1 that was free a moment ago. */
    public static int freePort() throws Exception {
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Sends {@code bytes} as one datagram from {@code from} to 127.0.0.1:{@code port}. */
    public static void send(DatagramSocket from, byte[] bytes, int port) throws Exception {
        from.send(new DatagramPacket(bytes, bytes.length, InetAddress.getLoopbackAddress(), port));
    }

    /** Waits up to 5 s for {@code condition}, then asserts it. */
    public static void awaitTrue(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(condition.getAsBoolean()).isTrue();
    }
}
