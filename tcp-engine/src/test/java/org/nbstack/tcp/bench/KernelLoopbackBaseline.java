package org.nbstack.tcp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** The Linux kernel's TCP over 127.0.0.1, measured with plain blocking sockets: the baseline. */
final class KernelLoopbackBaseline {
    private KernelLoopbackBaseline() {
    }

    /** Seconds to move {@code bytes} from one socket to another over loopback. */
    static double bulkSeconds(long bytes) throws IOException, InterruptedException {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress("127.0.0.1", 0));
            long[] received = {0};
            Thread reader = Thread.ofPlatform().start(() -> {
                try (SocketChannel in = server.accept()) {
                    ByteBuffer buf = ByteBuffer.allocateDirect(256 * 1024);
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        received[0] += n;
                        buf.clear();
                    }
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            });
            long start = System.nanoTime();
            try (SocketChannel out = SocketChannel.open(server.getLocalAddress())) {
                ByteBuffer block = ByteBuffer.allocateDirect(64 * 1024);
                long sent = 0;
                while (sent < bytes) {
                    block.clear();
                    sent += out.write(block);
                }
            }
            reader.join();
            return (System.nanoTime() - start) / 1e9;
        }
    }
}
