package org.nbstack.netbios.testing;

import java.time.Duration;
import java.util.List;
import org.nbstack.netbios.testing.HalfOpenConnections.Outcome;

/**
 * A flood of connections that never complete a SESSION REQUEST (see {@link HalfOpenConnections.Kind}), opened over
 * a given time, each watched for the server's close. {@link TestNetwork#openHalfOpen} picks kernel sockets or
 * channels of the clients' engine.
 */
public interface HalfOpenFlood extends AutoCloseable {

    /** Whether every connection has ended within {@code within}. */
    boolean awaitAllEnded(Duration within) throws InterruptedException;

    /** Each connection's fate so far, in the order they were opened. */
    List<Outcome> outcomes();

    @Override
    void close() throws Exception;
}
