package org.nbstack.server.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.config.ConfigLoader;
import org.nbstack.config.NbstackConfig;
import org.nbstack.config.TcpSettings;
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
    void checksumAlwaysReachesTheEngine() {
        NbstackConfig config = ConfigLoader.create().overrides(java.util.Map.of("engine.checksum", "always")).load().config();
        assertThat(EngineStackMapping.stackConfig(config.engine(), "").checksums()).isEqualTo(StackConfig.Checksums.ALWAYS);
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

    @Test
    void everySettingOfTheEnginesTcpConfigHasItsConfigKey() {
        List<String> engineSetters = Arrays.stream(TcpConfig.Builder.class.getDeclaredMethods())
                .filter(m -> Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers()))
                .filter(m -> m.getParameterCount() == 1).map(Method::getName).distinct().toList();
        assertThat(TcpSettingsMapping.fedSetters()).containsExactlyInAnyOrderElementsOf(engineSetters);
    }

    @Test
    void eachTcpKeyChangesTheEngineSettingOfItsNameToItsValue() throws Exception {
        TcpSettings defaults = ConfigLoader.create().load().config().engine().tcp();
        int checked = 0;
        for (RecordComponent component : TcpSettings.class.getRecordComponents()) {
            Object value = component.getAccessor().invoke(defaults);
            if (component.getType().isRecord()) {
                for (RecordComponent nested : component.getType().getRecordComponents()) {
                    Object changed = changed(nested.getAccessor().invoke(value));
                    TcpSettings settings = with(defaults, component, with(value, nested, changed));
                    String name = nested.getName().equals("enabled") ? component.getName()
                            : component.getName() + Character.toUpperCase(nested.getName().charAt(0)) + nested.getName().substring(1);
                    assertMapped(settings, name, changed);
                    checked++;
                }
            } else {
                Object changed = changed(value);
                assertMapped(with(defaults, component, changed), component.getName(), changed);
                checked++;
            }
        }
        assertThat(checked).isEqualTo(TcpSettingsMapping.fedSetters().size());
    }

    private static void assertMapped(TcpSettings settings, String name, Object expected) throws Exception {
        TcpConfig tcp = EngineStackMapping.tcpConfig(settings);
        RecordComponent engine = Arrays.stream(TcpConfig.class.getRecordComponents())
                .filter(c -> c.getName().equals(name) || c.getName().equals(name + "Nanos")).findFirst().orElseThrow();
        Object want = expected instanceof Duration d ? (Object) d.toNanos() : expected;
        Object got = engine.getAccessor().invoke(tcp);
        assertThat(got instanceof Enum<?> e ? e.name() : got).as("engine.tcp key %s -> TcpConfig.%s", name, engine.getName())
                .isEqualTo(want instanceof Enum<?> e ? e.name() : want);
    }

    /** A different value the engine accepts: one more, the other boolean, a millisecond longer, the next constant. */
    private static Object changed(Object value) {
        return switch (value) {
            case Integer i -> i + 1;
            case Boolean b -> !b;
            case Duration d -> d.plusMillis(1);
            case Enum<?> e -> e.getDeclaringClass().getEnumConstants()[(e.ordinal() + 1) % e.getDeclaringClass().getEnumConstants().length];
            default -> throw new IllegalArgumentException("no test value for " + value.getClass());
        };
    }

    @SuppressWarnings("unchecked")
    private static <R extends Record> R with(Object record, RecordComponent component, Object value) throws Exception {
        RecordComponent[] components = record.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        for (int i = 0; i < components.length; i++) {
            values[i] = components[i].getName().equals(component.getName()) ? value : components[i].getAccessor().invoke(record);
        }
        Class<?>[] types = Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new);
        return (R) record.getClass().getDeclaredConstructor(types).newInstance(values);
    }
}
