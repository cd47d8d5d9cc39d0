package org.nbstack.server.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.nbstack.server.admin.NetstatView;
import org.nbstack.server.testing.TestServers;
import org.nbstack.spi.Availability;
import org.nbstack.spi.Transports;

/**
 * The server on the userspace engine: netstat through the admin source, the engine meters, and a graceful stop
 * that leaves no connection closing. Skips until the {@code engine} transport is part of the build.
 */
class EngineTransportIntrospectionTest {

    static void assumeEngine() {
        Availability engine = Transports.availability().get("engine");
        assumeTrue(engine != null && engine.isAvailable(), "the 'engine' transport is "
                + (engine == null ? "not in this build yet" : "unavailable here: " + engine.reason())
                + "; wire EngineTransportIntrospection when it lands");
    }

    @Test
    void netstatShowsTheEngineListenerAndTheMetersAreExposed() {
        assumeEngine();
        var config = TestServers.config("listeners.engine.enabled=true", "listeners.engine.required=true",
                "listeners.engine.link=mem://nbstack-introspection-test");
        try (var server = TestServers.start(config)) {
            NetstatView netstat = server.server().netstat(Duration.ofSeconds(2));
            assertThat(netstat.engineRunning()).as(netstat.message()).isTrue();
            assertThat(netstat.connections()).anySatisfy(c -> {
                assertThat(c.local()).isEqualTo("10.139.0.1:139");
                assertThat(c.state().netstatName()).isEqualTo("LISTEN");
            });
            assertThat(server.server().scrape("text/plain")).contains(EngineMetricNames.CONNECTIONS + "{listener=\"engine\"");
        }
    }

    @Test
    void theDefaultEngineOptionsAreTheOnesTheReadmeDocuments() {
        var engine = TestServers.config("listeners.engine.enabled=true").listeners().getFirst();
        assertThat(engine.allTransportOptions()).containsOnlyKeys("addresses", "link", "threads");
        assertThat(engine.allTransportOptions()).containsEntry("addresses", "10.139.0.1").containsEntry("threads", "1");
    }
}
