package org.nbstack.netbios.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.epoll.Epoll;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;

/** Servers on 127.0.0.1 with an ephemeral port, for tests. */
public final class TestServers {

    private TestServers() {
    }

    /** The kernel transports that can run here. */
    public static Stream<String> kernelTransports() {
        return Epoll.isAvailable() ? Stream.of("nio", "epoll") : Stream.of("nio");
    }

    public static NetbiosServer start(String transport, ListenerRegistry listeners, MeterRegistry meters,
            UnaryOperator<NetbiosServerSettings.Builder> settings) {
        NetbiosServerSettings.Builder builder = NetbiosServerSettings.builder().transport(transport)
                .bindAddress("127.0.0.1", 0).eventLoopThreads(2);
        return NetbiosServer.start(settings.apply(builder).build(), listeners, meters);
    }

    /** The count of a counter, 0 when it was never incremented. */
    public static double count(MeterRegistry meters, String name, String... tags) {
        Counter counter = meters.find(name).tags(tags).counter();
        return counter == null ? 0 : counter.count();
    }
}
