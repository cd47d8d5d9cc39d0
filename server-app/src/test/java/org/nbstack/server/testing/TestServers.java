package org.nbstack.server.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nbstack.config.ConfigLoader;
import org.nbstack.config.NbstackConfig;
import org.nbstack.server.app.NbstackServer;
import org.nbstack.server.app.ServerOptions;

/** In-process servers on loopback with ephemeral ports: the kernel listener ({@code nio}) and the admin endpoint. */
public final class TestServers {

    private static final Path DATA_DIR = temporaryDataDir();

    private TestServers() {
    }

    private static Path temporaryDataDir() {
        try {
            return Files.createTempDirectory("nbstack-test-data");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The defaults with ephemeral ports, the engine listener off, and {@code overrides} on top. */
    public static NbstackConfig config(String... overrides) {
        Map<String, String> set = new LinkedHashMap<>();
        set.put("listeners.engine.enabled", "false");
        set.put("listeners.kernel.bind", "127.0.0.1:0");
        set.put("admin.bind", "127.0.0.1:0");
        set.put("shutdown.grace-period", "5s");
        set.put("data-dir", DATA_DIR.toString()); // the default share's directory: never the user's own data dir
        for (String override : overrides) {
            int eq = override.indexOf('=');
            set.put(override.substring(0, eq), override.substring(eq + 1));
        }
        return ConfigLoader.create().overrides(set).load().config();
    }

    /** A started server and what it printed. */
    public record Started(NbstackServer server, String output) implements AutoCloseable {
        public String kernelAddress() {
            var a = server.listenerAddress("kernel").orElseThrow();
            return a.getHostString() + ":" + a.getPort();
        }

        public String adminAddress() {
            var a = server.adminAddress().orElseThrow();
            return a.getHostString() + ":" + a.getPort();
        }

        @Override
        public void close() {
            server.close();
        }
    }

    public static Started start(NbstackConfig config) {
        return start(config, ServerOptions.to(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)));
    }

    public static Started start(NbstackConfig config, ServerOptions options) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream print = new PrintStream(out, true, StandardCharsets.UTF_8);
        NbstackServer server = NbstackServer.start(config, new ServerOptions(print, options.engines()));
        return new Started(server, out.toString(StandardCharsets.UTF_8));
    }
}
