package org.nbstack.smb.interop;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.Listener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.smb.server.SmbService;
import org.nbstack.smb.server.SmbSettings;
import org.nbstack.smb.share.Share;

/**
 * The file service on a NetBIOS server on the kernel's TCP, for real clients: one share "share" (writable, guest-ok)
 * on a temporary directory. smbclient sends a SESSION REQUEST only to port 139, so the server listens on port 139 of
 * a loopback address of its own (127.x.y.z, chosen at random): no root-owned port of 127.0.0.1 is taken, and tests of
 * other modules on 127.0.0.1:139 do not collide with it.
 */
final class SmbTestServer implements AutoCloseable {

    static final NetbiosName SERVER = NetbiosName.server("SERVER");

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Path shareDir;
    final SmbService service;
    final NetbiosServer server;
    final String host;

    SmbTestServer(Path shareDir, boolean readOnly) throws IOException {
        this(shareDir, readOnly, NetbiosServer.Framing.NBSS, NetbiosServerSettings.NBSS_PORT);
    }

    /** As above, with connections framed as {@code framing} says, on {@code port} (445 for direct TCP). */
    SmbTestServer(Path shareDir, boolean readOnly, NetbiosServer.Framing framing, int port) throws IOException {
        this.shareDir = Files.createDirectories(shareDir);
        service = new SmbService(SmbSettings.defaults("SERVER", List.of(new Share("share", shareDir, readOnly, true))), meters);
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(Listener.of(SERVER, service.handler()));
        ThreadLocalRandom random = ThreadLocalRandom.current();
        host = "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
        NetbiosServerSettings settings = NetbiosServerSettings.builder().transport("nio").bindAddress(host, port)
                .eventLoopThreads(1).defaultName(SERVER).build();
        server = NetbiosServer.start(org.nbstack.spi.Transports.named(settings.transport(), settings.transportOptions()), settings,
                listeners, meters, new java.util.concurrent.atomic.AtomicLong(), framing);
    }

    double requests(String command, String status) {
        var counter = meters.find("smb.requests").tag("command", command).tag("status", status).counter();
        return counter == null ? 0 : counter.count();
    }

    @Override
    public void close() {
        server.close();
        service.close();
    }
}
