package org.nbstack.server.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The configuration the engine's end-to-end tests serve with: the engine (10.139.0.1) as the only listener, on a UDP
 * link to one client engine (10.139.0.2) on loopback, and the admin endpoint; each port free when it is written.
 *
 * @param file where it was written
 */
record EngineOverUdpConfig(Path file, int serverUdp, int clientUdp, int admin) {

    /** Writes {@code nbstack.conf} into {@code dir}, with {@code extraSettings} (lines inside {@code nbstack { }}). */
    static EngineOverUdpConfig write(Path dir, String... extraSettings) throws IOException {
        EngineOverUdpConfig config = new EngineOverUdpConfig(dir.resolve("nbstack.conf"), Launcher.freeUdpPort(),
                Launcher.freeUdpPort(), Launcher.freeTcpPort());
        StringBuilder text = new StringBuilder("nbstack {\n")
                .append("  listeners.engine.link = \"udp://127.0.0.1:%d?peer.10.139.0.2=127.0.0.1:%d\"\n"
                        .formatted(config.serverUdp, config.clientUdp))
                .append("  listeners.kernel.enabled = false\n")
                .append("  admin.bind = \"127.0.0.1:%d\"\n".formatted(config.admin));
        for (String setting : extraSettings) {
            text.append("  ").append(setting).append('\n');
        }
        Files.writeString(config.file, text.append("}\n"));
        return config;
    }

    /** The {@code --link} of the client engine, which reaches the server's engine over the UDP link. */
    String clientLink() {
        return "udp://127.0.0.1:" + clientUdp + "?peer.10.139.0.1=127.0.0.1:" + serverUdp;
    }

    /** The admin endpoint's base URL. */
    String adminUrl() {
        return "http://127.0.0.1:" + admin;
    }
}
