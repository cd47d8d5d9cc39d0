package org.nbstack.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every example configuration the distribution ships in conf/examples/ is valid: an operator copies them as they are. */
class ExampleConfigsTest {

    private static final Path EXAMPLES = Path.of(System.getProperty("nbstack.config.examples", "examples"));

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(f -> f.toString().endsWith(".conf")).sorted().toList().stream();
        }
    }

    @ParameterizedTest
    @MethodSource("examples")
    void theExampleLoadsAndValidates(Path example) throws IOException {
        assertThatCode(() -> ConfigLoader.create().file(example).load()).doesNotThrowAnyException();
    }

    @Test
    void theShareExampleGivesTheDefaultNameTheSmbHandler() {
        NbstackConfig config = ConfigLoader.create().file(EXAMPLES.resolve("share.conf")).load().config();
        assertThat(config.netbios().defaultName()).hasValueSatisfying(d -> assertThat(d).isEqualToIgnoringCase("NBSTACK"));
        assertThat(config.netbios().names()).anySatisfy(n -> {
            assertThat(n.name()).isEqualToIgnoringCase("NBSTACK");
            assertThat(n.handler()).isEqualTo("smb");
        });
    }

    @Test
    void theTunExampleServesOnlyTheEngineOnATunDevice() {
        NbstackConfig config = ConfigLoader.create().file(EXAMPLES.resolve("tun.conf")).load().config();
        assertThat(config.enabledListeners()).singleElement().satisfies(l -> {
            assertThat(l.transport()).isEqualTo("engine");
            assertThat(l.link()).startsWith("tun://");
            assertThat(l.required()).isTrue();
        });
    }
}
