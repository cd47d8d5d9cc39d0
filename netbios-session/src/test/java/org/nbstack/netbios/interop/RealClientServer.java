package org.nbstack.netbios.interop;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Assumptions;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerException;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.netbios.session.SessionHandler;
import reactor.core.publisher.Mono;

/**
 * A server for clients written elsewhere. smbclient and jcifs-ng send a SESSION REQUEST only to port 139
 * (to any other port they speak SMB directly), so those tests listen on 127.0.0.1:139 and are skipped, with
 * the reason, where that port cannot be had (not root, or taken).
 */
final class RealClientServer implements AutoCloseable {

    static final NetbiosName SERVER = NetbiosName.server("SERVER");

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ListenerRegistry listeners = new ListenerRegistry();
    /** First octets of the first message of each session: what the client said after the POSITIVE response. */
    final List<byte[]> firstMessages = new CopyOnWriteArrayList<>();
    final NetbiosServer server;

    private RealClientServer(NetbiosServerSettings settings) {
        server = NetbiosServer.start(settings, listeners, meters);
    }

    private RealClientServer(int port, NetbiosServerSettings.Builder settings) {
        this(settings.transport("nio").bindAddress("127.0.0.1", port).eventLoopThreads(1).build());
    }

    static RealClientServer onPort(int port, NetbiosServerSettings.Builder settings) {
        return new RealClientServer(port, settings);
    }

    /**
     * A server on the engine, on {@link EngineTun#ENGINE}:{@code port} of {@code tun}'s TUN device, which is then moved
     * into the fixture's namespace; run the clients with {@link EngineTun#exec}. Any port works: the engine's ports are
     * its own, so smbclient's and jcifs-ng's 139 needs no privilege and collides with nothing on the machine.
     */
    static RealClientServer onEngine(EngineTun tun, int port, NetbiosServerSettings.Builder settings) {
        RealClientServer server = new RealClientServer(settings.transport("engine").transportOptions(tun.transportOptions())
                .bindAddress(EngineTun.ENGINE, port).eventLoopThreads(1).build());
        try {
            tun.attachNamespace();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    /** A server on 127.0.0.1:139, or the test is skipped saying why. */
    static RealClientServer onPort139(NetbiosServerSettings.Builder settings) {
        try {
            return new RealClientServer(NetbiosServerSettings.NBSS_PORT, settings);
        } catch (NetbiosServerException e) {
            Assumptions.abort("real SMB clients use the NetBIOS session service only on port 139, which cannot be had here: "
                    + e.getMessage());
            throw e;
        }
    }

    /** Records the client's first message (an SMB NEGOTIATE, for SMB clients) and ends the session: there is no file service. */
    SessionHandler recordFirstMessageAndClose() {
        return session -> session.inbound().take(1).concatMap(message -> {
            byte[] head = new byte[Math.min(8, message.readableBytes())];
            message.getBytes(message.readerIndex(), head);
            message.release();
            firstMessages.add(head);
            return Mono.<ByteBuf>empty();
        });
    }

    double negatives(int code) {
        var counter = meters.find("netbios.session.negative.responses").tag("code", String.format("0x%02x", code)).counter();
        return counter == null ? 0 : counter.count();
    }

    double established() {
        return meters.find("netbios.sessions.established").counter().count();
    }

    @Override
    public void close() {
        server.close();
    }
}
