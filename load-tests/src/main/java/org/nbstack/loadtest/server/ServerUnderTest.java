package org.nbstack.loadtest.server;

import java.net.InetSocketAddress;
import java.util.Optional;

/** The NetBIOS session server a load test runs against, wherever it runs. */
public interface ServerUnderTest extends AutoCloseable {

    /** Where the clients call it. */
    InetSocketAddress address();

    /** CPU the server used so far and its memory now. */
    ResourceUsage usage();

    /**
     * SYN retransmissions the server's TCP engine counted so far, when it exposes them (the engine's
     * {@code tcp_retransmits_total{kind="syn"}}); empty when this server cannot tell, with {@link #synRetransmissionsAbsence()}.
     */
    Optional<Long> synRetransmissions();

    /** Why {@link #synRetransmissions()} is empty. */
    String synRetransmissionsAbsence();

    /** The counters of the server's engine when it runs in this JVM on the engine; empty otherwise. */
    default Optional<EngineCounters> engineCounters() {
        return Optional.empty();
    }

    /** One line: what runs where. */
    String describe();

    @Override
    void close();
}
