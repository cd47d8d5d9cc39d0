package org.nbstack.loadtest.targets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nbstack.spi.TransportOptions;

class LoadTargetsTest {

    @Test
    void kernelAndEngineUdpTargetsRunHere() {
        assertThat(LoadTargets.named("nio").unavailableReason()).isEmpty();
        // The engine transport is on the runtime classpath, and the udp link needs no privileges.
        assertThat(LoadTargets.named("engine-udp").unavailableReason()).isEmpty();
    }

    @Test
    void engineUdpTargetsPointEachEngineAtTheOthersDatagramsOnLoopback() {
        LoadTarget target = LoadTargets.named("engine-udp");
        assertThat(target.serverOptions().require("link")).isEqualTo("udp://127.0.0.1:11490?peer.10.139.0.2=127.0.0.1:11491");
        assertThat(target.clientOptions().require("link")).isEqualTo("udp://127.0.0.1:11491?peer.10.139.0.1=127.0.0.1:11490");
    }

    @Test
    void systemPropertiesOverrideTransportOptions() {
        LoadTarget target = LoadTargets.named("engine-udp").withOverrides(Map.of("nbstack.loadtest.server.threads", "2",
                "nbstack.loadtest.client.addresses", "10.139.0.3"));
        assertThat(target.serverOptions().require("threads")).isEqualTo("2");
        assertThat(target.clientOptions().require("addresses")).isEqualTo("10.139.0.3");
    }

    @Test
    void kernelClientsNeverCallAnAddressOffThisMachine() {
        assertThatThrownBy(() -> new LoadTarget("bad", "nio", TransportOptions.empty(), "nio", TransportOptions.empty(), "10.0.0.1", false))
                .hasMessageContaining("127.0.0.0/8");
        assertThatThrownBy(() -> LoadTargets.named("nope")).hasMessageContaining("engine-udp");
    }
}
