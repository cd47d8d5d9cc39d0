package org.nbstack.netbios.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/** The byte stream under a {@link RawNbssClient}: a kernel socket, or a channel of a Netty transport such as the engine. */
public interface ClientConnection extends AutoCloseable {

    /**
     * How long a read waits for the server by default. Long, because on a busy machine the JVM's threads can wait
     * seconds for a CPU and an answer that is merely late must not look like a lost one; tests that expect silence
     * set their own, shorter, timeout.
     */
    Duration DEFAULT_READ_TIMEOUT = Duration.ofSeconds(30);

    InputStream in();

    /** Writes block while the peer takes nothing more, as a socket's do. */
    OutputStream out();

    /** How long a read waits before it fails with {@link java.net.SocketTimeoutException}. */
    void readTimeout(Duration timeout) throws IOException;

    @Override
    void close() throws IOException;
}
