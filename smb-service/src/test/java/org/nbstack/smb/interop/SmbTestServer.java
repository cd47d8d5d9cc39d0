package org.nbstack.smb.interop;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.nbstack.netbios.interop.EngineTun;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.smb.auth.Accounts;
import org.nbstack.smb.server.Protection;
import org.nbstack.smb.server.SmbService;
import org.nbstack.smb.server.SmbSettings;
import org.nbstack.smb.share.Share;

/**
 * The file service on a NetBIOS server, for real clients: one share "share" (writable, guest-ok) on a temporary
 * directory, on the kernel's TCP (nio, epoll) or on the engine over TUN. smbclient sends a SESSION REQUEST only to
 * port 139, so on the kernel the server listens on port 139 of a loopback address of its own (127.x.y.z, chosen at
 * random): no root-owned port of 127.0.0.1 is taken, and tests of other modules on 127.0.0.1:139 do not collide with it.
 */
final class SmbTestServer implements AutoCloseable {

    static final NetbiosName SERVER = NetbiosName.server("SERVER");

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final Path shareDir;
    final SmbService service;
    final NetbiosServer server;
    final String host;
    /** The engine on its TUN device, for transport "engine"; else null. */
    private final EngineTun tun;

    SmbTestServer(Path shareDir, boolean readOnly) throws IOException {
        this(shareDir, readOnly, "nio");
    }

    /**
     * The service on {@code transport}: "nio" or "epoll" on port 139 of a random 127.x address, or "engine" on
     * {@link EngineTun#ENGINE}:139 of a TUN device whose kernel side is in a namespace made for this server (the test
     * is skipped, saying why, where that cannot be made); {@link #clientCommand} runs a client where it reaches
     * {@link #host}.
     */
    SmbTestServer(Path shareDir, boolean readOnly, String transport) throws IOException {
        this(shareDir, readOnly, transport, NetbiosServer.Framing.NBSS, NetbiosServerSettings.NBSS_PORT);
    }

    /** On nio, with connections framed as {@code framing} says, on {@code port} (445 for direct TCP). */
    SmbTestServer(Path shareDir, boolean readOnly, NetbiosServer.Framing framing, int port) throws IOException {
        this(shareDir, readOnly, "nio", framing, port);
    }

    /** On {@code transport} as above, with connections framed as {@code framing} says, on {@code port} (445 for direct TCP). */
    SmbTestServer(Path shareDir, boolean readOnly, String transport, NetbiosServer.Framing framing, int port) throws IOException {
        this(shareDir, readOnly, transport, framing, port, Accounts.NONE, Protection.DEFAULT);
    }

    /** As above, with {@code accounts} to log on with and messages protected as {@code protection} says. */
    SmbTestServer(Path shareDir, boolean readOnly, String transport, NetbiosServer.Framing framing, int port, Accounts accounts,
            Protection protection) throws IOException {
        this(shareDir, List.of(new Share("share", shareDir, readOnly, true)), accounts, protection, transport, framing, port);
    }

    /** With {@code shares} (the first on {@code shareDir}) and users logging on against {@code accounts}. */
    SmbTestServer(Path shareDir, List<Share> shares, Accounts accounts, String transport, NetbiosServer.Framing framing, int port)
            throws IOException {
        this(shareDir, shares, accounts, Protection.DEFAULT, transport, framing, port);
    }

    /** With {@code shares} and {@code accounts}, messages protected as {@code protection} says. */
    SmbTestServer(Path shareDir, List<Share> shares, Accounts accounts, Protection protection, String transport,
            NetbiosServer.Framing framing, int port) throws IOException {
        this.shareDir = Files.createDirectories(shareDir);
        service = new SmbService(SmbSettings.defaults("SERVER", shares).withProtection(protection), meters, accounts);
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(SERVER, service.handler()));
        NetbiosServerSettings.Builder settings = NetbiosServerSettings.builder().transport(transport).eventLoopThreads(1).defaultName(SERVER);
        if (transport.equals("engine")) {
            tun = EngineTun.open();
            host = EngineTun.ENGINE;
            server = startOnEngine(settings, listeners, framing, port);
        } else {
            tun = null;
            ThreadLocalRandom random = ThreadLocalRandom.current();
            host = "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
            server = start(settings.bindAddress(host, port).build(), listeners, framing);
        }
    }

    private NetbiosServer start(NetbiosServerSettings settings, ListenerRegistry listeners, NetbiosServer.Framing framing) {
        return NetbiosServer.start(org.nbstack.spi.Transports.named(settings.transport(), settings.transportOptions()), settings,
                listeners, meters, new java.util.concurrent.atomic.AtomicLong(), framing);
    }

    private NetbiosServer startOnEngine(NetbiosServerSettings.Builder settings, ListenerRegistry listeners, NetbiosServer.Framing framing,
            int port) {
        NetbiosServer started = null;
        try {
            started = start(settings.transportOptions(tun.transportOptions()).bindAddress(EngineTun.ENGINE, port).build(), listeners,
                    framing);
            tun.attachNamespace();
            return started;
        } catch (RuntimeException e) {
            if (started != null) {
                started.close();
            }
            tun.close();
            service.close();
            throw e;
        }
    }

    /** {@code command} as run where the server's {@link #host} is reachable: in the engine's namespace, or here. */
    List<String> clientCommand(List<String> command) {
        return tun == null ? command : tun.commandInNamespace(command);
    }

    double requests(String command, String status) {
        var counter = meters.find("smb.requests").tag("command", command).tag("status", status).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Requests refused unexecuted for their signing, by reason ({@code unsigned}, {@code bad-signature}). */
    double refused(String reason) {
        var counter = meters.find("smb.requests.refused").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    /** Every request the server answered other than with SUCCESS, by command and status: what to look at when a client failed. */
    String unsuccessfulRequests() {
        StringBuilder out = new StringBuilder("server answered other than SUCCESS:");
        for (var counter : meters.find("smb.requests").counters()) {
            if (!"0x00000000".equals(counter.getId().getTag("status")) && counter.count() > 0) {
                out.append(' ').append(counter.getId().getTag("command")).append('=').append(counter.getId().getTag("status"))
                        .append(" x").append((long) counter.count());
            }
        }
        // The session layer's view too: a connection the server closed for a framing error never reached the SMB code
        for (String meter : List.of("netbios.protocol.errors", "netbios.sessions.closed")) {
            out.append("; ").append(meter).append(':');
            for (var counter : meters.find(meter).counters()) {
                if (counter.count() > 0) {
                    out.append(' ').append(counter.getId().getTag("reason")).append(" x").append((long) counter.count());
                }
            }
        }
        return out.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
            service.close();
        } finally {
            if (tun != null) {
                tun.close();
            }
        }
    }
}
