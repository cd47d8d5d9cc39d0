package org.nbstack.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.nbstack.config.ConfigLoader;
import org.nbstack.config.NbstackConfig;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.ip.IpConfig;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.wire.Ipv4;

class EngineStackMappingTest {

    @Test
    void theDefaultsAreTheEnginesOwnLinuxLikeDefaults() {
        NbstackConfig config = ConfigLoader.create().load().config();
        assertThat(EngineStackMapping.tcpConfig(config.engine().tcp())).isEqualTo(TcpConfig.DEFAULT);
        StackConfig stack = EngineStackMapping.stackConfig(config.engine(), "10.139.0.1, 10.139.0.3");
        assertThat(stack).isEqualTo(StackConfig.builder(Ipv4.parse("10.139.0.1"), Ipv4.parse("10.139.0.3")).build());
    }

    @Test
    void everyTcpSettingReachesTheEngine() {
        NbstackConfig config = ConfigLoader.create().overrides(java.util.Map.of("engine.tcp.time-wait", "30s",
                "engine.tcp.keepalive.enabled", "true", "engine.tcp.window-scale", "7", "engine.tcp.orphan-retries", "3",
                "engine.time-wait-limit", "16", "engine.syn-cookies", "off", "engine.memory-limit", "64MiB",
                "engine.min-receive-memory", "4KiB", "engine.min-send-memory", "16KiB")).load().config();
        TcpConfig tcp = EngineStackMapping.tcpConfig(config.engine().tcp());
        assertThat(tcp.timeWaitNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(tcp.keepAlive()).isTrue();
        assertThat(tcp.windowScale()).isEqualTo(7);
        assertThat(tcp.orphanRetries()).isEqualTo(3);
        StackConfig stack = EngineStackMapping.stackConfig(config.engine(), "");
        assertThat(stack.timeWaitLimit()).isEqualTo(16);
        assertThat(stack.synCookies()).isEqualTo(StackConfig.SynCookies.OFF);
        assertThat(stack.memoryLimit()).isEqualTo(64L << 20);
        assertThat(stack.minReceiveMemory()).isEqualTo(4 << 10);
        assertThat(stack.minSendMemory()).isEqualTo(16 << 10);
    }

    @Test
    void everyIpSettingReachesTheEngine() {
        NbstackConfig config = ConfigLoader.create().overrides(java.util.Map.of("engine.ip.echo-replies", "false",
                "engine.ip.icmp-replies-per-second", "10", "engine.ip.reassembly-timeout", "5s",
                "engine.ip.reassembly-memory", "1MiB", "engine.ip.reassembly-memory-per-source", "64KiB",
                "engine.ip.max-fragments-per-datagram", "16", "engine.ip.min-path-mtu", "1280")).load().config();
        assertThat(EngineStackMapping.stackConfig(config.engine(), "").ip()).isEqualTo(
                new IpConfig(false, 10, Duration.ofSeconds(5).toNanos(), 1L << 20, 64L << 10, 16, 1280));
    }
}
