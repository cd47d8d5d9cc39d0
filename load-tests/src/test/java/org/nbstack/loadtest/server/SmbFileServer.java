package org.nbstack.loadtest.server;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.smb.server.SmbService;
import org.nbstack.smb.server.SmbSettings;
import org.nbstack.smb.share.Share;

/**
 * The file service for the SMB load test, in the test's JVM: a writable share "share" on a temporary directory that
 * holds {@link #READ_FILE} ({@link #READ_FILE_SIZE} random octets), served on 127.0.0.1 (any free port) of a kernel
 * transport with the seed-004 tuning (small send buffers, 2 s write-stall timeout), so that a client that stops
 * reading is found and torn down quickly.
 */
public final class SmbFileServer implements AutoCloseable {

    public static final NetbiosName NAME = NetbiosName.server("FILES");
    public static final String READ_FILE = "shared.bin";
    public static final int READ_FILE_SIZE = 4 << 20;

    private final Path dir;
    private final SmbService service;
    private final NetbiosServer server;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    public SmbFileServer(String transport) {
        try {
            dir = Files.createTempDirectory("nbstack-smb-load");
            byte[] data = new byte[READ_FILE_SIZE];
            new Random(4).nextBytes(data);
            Files.write(dir.resolve(READ_FILE), data);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the served directory", e);
        }
        service = new SmbService(SmbSettings.defaults("FILES", List.of(new Share("share", dir, false, true))), meters);
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(NAME, service.handler()));
        server = NetbiosServer.start(ServerTuning.FAST_STALL_DETECTION.applyTo(NetbiosServerSettings.builder().transport(transport)
                .bindAddress("127.0.0.1", 0).eventLoopThreads(2)).build(), listeners, meters);
    }

    public InetSocketAddress address() {
        return server.localAddress();
    }

    /** Connections the file service ended, by reason (e.g. the session layer's write-stall tear-down). */
    public double connectionsEnded() {
        return meters.find("smb.connections.ended").counters().stream().mapToDouble(c -> c.count()).sum();
    }

    @Override
    public void close() {
        server.close();
        service.close();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory left behind
        }
    }
}
