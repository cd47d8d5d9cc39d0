package org.nbstack.server.app;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.nbstack.config.ConfigLoader;
import org.nbstack.config.NbstackConfig;
import org.nbstack.netbios.server.NetbiosServerSettings;

/** The per-address limits of the configuration reach every listener's NetBIOS server. */
class NetbiosMappingTest {

    @Test
    void perSourceLimitsReachTheServerSettings() {
        NbstackConfig defaults = ConfigLoader.create().load().config();
        NetbiosServerSettings mapped = NetbiosMapping.serverSettings(defaults.netbios(), defaults.listeners().getFirst());
        assertThat(mapped.maxSessionsPerSource()).isEqualTo(256);
        assertThat(mapped.maxPendingPerSource()).isEqualTo(32);

        NbstackConfig set = ConfigLoader.create().override("netbios.max-sessions-per-source", "3")
                .override("netbios.max-pending-per-source", "0").load().config();
        NetbiosServerSettings changed = NetbiosMapping.serverSettings(set.netbios(), set.listeners().getFirst());
        assertThat(changed.maxSessionsPerSource()).isEqualTo(3);
        assertThat(changed.maxPendingPerSource()).as("0 turns it off").isZero();
    }
}
