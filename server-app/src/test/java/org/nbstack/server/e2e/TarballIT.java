package org.nbstack.server.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The install path of a new user: unpack {@code nbstack.tar.gz} in an empty directory and run the server from it,
 * with nothing of the checkout on the way. Also what the packaged launcher says without Java 25 or a config file.
 */
class TarballIT {

    private static final Path TARBALL = Path.of(System.getProperty("nbstack.dist", "target/nbstack") + ".tar.gz");

    @TempDir
    Path work;

    private Path home;

    @BeforeEach
    void unpack() throws Exception {
        Path unpacked = Files.createDirectory(work.resolve("unpacked"));
        Process tar = new ProcessBuilder("tar", "-xzf", TARBALL.toString(), "-C", unpacked.toString()).inheritIO().start();
        assertThat(tar.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(tar.exitValue()).isZero();
        try (Stream<Path> top = Files.list(unpacked)) {
            List<Path> entries = top.toList();
            assertThat(entries).as("one top-level folder").singleElement()
                    .satisfies(p -> assertThat(p.getFileName().toString()).startsWith("nbstack-"));
            home = entries.getFirst();
        }
    }

    @Test
    void theUnpackedDistributionServesAndStopsWithExitZero() throws Exception {
        assertThat(home.resolve("bin/nbstack")).isExecutable();
        assertThat(home.resolve("conf/reference.conf")).isRegularFile();
        assertThat(home.resolve("conf/examples/tun.conf")).isRegularFile();
        assertThat(home.resolve("systemd/nbstack.service")).isRegularFile();
        assertThat(home.resolve("systemd/nbstack.service.d/tun.conf")).isRegularFile();

        Path config = work.resolve("nbstack.conf");
        Files.writeString(config, """
                nbstack {
                  listeners.kernel.bind = "127.0.0.1:%d"
                  listeners.engine.link = "udp://127.0.0.1:%d"
                  admin.bind = "127.0.0.1:%d"
                }
                """.formatted(Launcher.freeTcpPort(), Launcher.freeUdpPort(), Launcher.freeTcpPort()));
        Launcher nbstack = nbstack(System.getProperty("java.home"));
        Process serve = nbstack.start("serve", "serve", "--config", config.toString());
        try {
            nbstack.awaitOutput("serve", "serving;", serve);
            assertThat(nbstack.out("serve")).contains("listening: kernel transport=nio");
        } finally {
            serve.destroy();
        }
        assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(serve.exitValue()).as(nbstack.err("serve")).isZero();
    }

    @Test
    void theEngineJarShipsTheEngineButNotTheSimulatorNorAnyTestLibrary() throws Exception {
        List<String> jars;
        try (Stream<Path> lib = Files.list(home.resolve("lib"))) {
            jars = lib.map(p -> p.getFileName().toString()).sorted().toList();
        }
        assertThat(jars).as("test libraries in lib/").noneMatch(name -> name.matches("(junit|jqwik|assertj|jazzer|opentest4j).*"))
                .noneMatch(name -> name.endsWith("-tests.jar"));
        String engineJar = jars.stream().filter(name -> name.startsWith("tcp-engine-")).findFirst().orElseThrow();
        try (JarFile engine = new JarFile(home.resolve("lib").resolve(engineJar).toFile())) {
            List<String> classes = engine.stream().map(JarEntry::getName).filter(name -> name.endsWith(".class")).toList();
            assertThat(classes).contains("org/nbstack/tcp/stack/TcpStack.class");
            assertThat(classes).filteredOn(name -> name.startsWith("org/nbstack/tcp/sim/"))
                    .as("the deterministic simulator (a test tool) in the production " + engineJar).isEmpty();
        }
    }

    @Test
    void aMissingConfigFileIsOneLineAndExitTwoSoThatSystemdDoesNotRestartIt() throws Exception {
        Launcher.Result missing = nbstack(System.getProperty("java.home"))
                .run("missing", "serve", "--config", work.resolve("nosuch.conf").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).isEqualTo("nbstack: configuration error: configuration file " + work.resolve("nosuch.conf")
                + " does not exist or cannot be read\n");
        String unit = Files.readString(home.resolve("systemd/nbstack.service"));
        assertThat(unit).containsPattern("(?m)^RestartPreventExitStatus=2$");
    }

    @Test
    void anOlderJavaIsRefusedWithWhatToInstall() throws Exception {
        Optional<Path> oldJava = olderJdk();
        assumeTrue(oldJava.isPresent(), "no Java older than 25 under /usr/lib/jvm to try the launcher with");
        Launcher.Result old = nbstack(oldJava.get().toString()).run("old-java", "serve");
        assertThat(old.status()).isEqualTo(2);
        assertThat(old.err()).startsWith("nbstack: JAVA_HOME=" + oldJava.get() + " is Java ")
                .contains("nbstack needs Java 25 or newer: install one").doesNotContain("UnsupportedClassVersionError")
                .hasLineCount(1);
    }

    private static Optional<Path> olderJdk() throws IOException {
        Path jvms = Path.of("/usr/lib/jvm");
        if (!Files.isDirectory(jvms)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(jvms)) {
            return dirs.filter(d -> Files.isExecutable(d.resolve("bin/java")) && Files.isRegularFile(d.resolve("release")))
                    .filter(d -> majorVersion(d) < 25).findFirst();
        }
    }

    private static int majorVersion(Path jdk) {
        try {
            String release = Files.readString(jdk.resolve("release"));
            var m = java.util.regex.Pattern.compile("JAVA_VERSION=\"(?:1\\.)?(\\d+)").matcher(release);
            return m.find() ? Integer.parseInt(m.group(1)) : Integer.MAX_VALUE;
        } catch (IOException e) {
            return Integer.MAX_VALUE;
        }
    }

    private Launcher nbstack(String javaHome) {
        return new Launcher(work, home.resolve("bin/nbstack"), Map.of("JAVA_HOME", javaHome));
    }
}
