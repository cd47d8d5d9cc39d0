package org.nbstack.netbios.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.spi.Transports;

/**
 * Direct TCP framing (MS-SMB2 2.1): a connection is a session to the default name at once; messages carry a zero
 * octet and a 24-bit length both ways; a frame that does not start with zero, or is longer than max-message-size,
 * closes the connection (counted as a protocol error) while other sessions carry on.
 */
class DirectTcpServerTest {

    private static final NetbiosName NAME = NetbiosName.server("FILES");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private NetbiosServer server;

    @BeforeEach
    void start() {
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(NAME, session -> session.inbound())); // echo
        NetbiosServerSettings settings = NetbiosServerSettings.builder().transport("nio").bindAddress("127.0.0.1", 0)
                .defaultName(NAME).maxMessageSize(65_600).build();
        server = NetbiosServer.start(Transports.named("nio", settings.transportOptions()), settings, listeners, meters, new AtomicLong(),
                NetbiosServer.Framing.DIRECT_TCP);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void aMessageComesBackFramedWithAZeroOctetAnd24BitLengthAndTheSessionIsListed() throws Exception {
        try (Socket socket = connect()) {
            byte[] payload = new byte[70_000 - 4_400]; // above 16 bits: the length needs its third octet
            payload[0] = 'x';
            write(socket.getOutputStream(), frame(payload));
            DataInputStream in = new DataInputStream(socket.getInputStream());
            assertThat(in.readInt()).as("0x00 then the 24-bit length").isEqualTo(payload.length);
            byte[] echoed = in.readNBytes(payload.length);
            assertThat(echoed).isEqualTo(payload);
            assertThat(server.sessions()).singleElement().satisfies(s -> {
                assertThat(s.calledName()).isEqualTo(NAME);
                assertThat(s.callingName().name()).isEqualTo("127.0.0.1");
            });
        }
    }

    @Test
    void aFrameNotStartingWithZeroClosesOnlyItsConnection() throws Exception {
        try (Socket healthy = connect(); Socket bad = connect()) {
            write(bad.getOutputStream(), new byte[] {(byte) 0x81, 0, 0, 68}); // an NBSS SESSION REQUEST is not direct TCP
            assertThat(closedByServer(bad.getInputStream())).isTrue();
            assertThat(protocolErrors("unknown_packet_type")).isEqualTo(1);

            write(healthy.getOutputStream(), frame("still here".getBytes(StandardCharsets.US_ASCII)));
            DataInputStream in = new DataInputStream(healthy.getInputStream());
            assertThat(in.readInt()).isEqualTo(10);
            assertThat(new String(in.readNBytes(10), StandardCharsets.US_ASCII)).isEqualTo("still here");
        }
    }

    @Test
    void aFrameLongerThanTheLimitClosesTheConnectionBeforeItsPayloadIsRead() throws Exception {
        try (Socket bad = connect()) {
            write(bad.getOutputStream(), new byte[] {0, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF}); // 16 MiB announced
            assertThat(closedByServer(bad.getInputStream())).isTrue();
            assertThat(protocolErrors("message_too_large")).isEqualTo(1);
        }
    }

    @Test
    void aClientThatSendsNothingIsResetAfterTheSessionRequestTimeoutWithoutTakingASession() throws Exception {
        server.close();
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(NAME, session -> session.inbound()));
        NetbiosServerSettings settings = NetbiosServerSettings.builder().transport("nio").bindAddress("127.0.0.1", 0)
                .defaultName(NAME).sessionRequestTimeout(Duration.ofMillis(300)).build();
        server = NetbiosServer.start(Transports.named("nio", settings.transportOptions()), settings, listeners, meters, new AtomicLong(),
                NetbiosServer.Framing.DIRECT_TCP);
        try (Socket silent = connect(); Socket partial = connect()) {
            write(partial.getOutputStream(), new byte[] {0, 0, 0, 8, 1, 2}); // a first frame never completed
            long start = System.nanoTime();
            assertThat(server.sessions()).as("a connection without a message holds no session").isEmpty();
            assertThat(closedByServer(silent.getInputStream())).as("the silent client is closed").isTrue();
            assertThat(closedByServer(partial.getInputStream())).as("so is one whose first frame never completes").isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(200), Duration.ofSeconds(5));
        }
        assertThat(meters.get("netbios.requests.timedout").counter().count()).isEqualTo(2);
        assertThat(server.pendingConnections()).as("their pending places are free again").isZero();
        try (Socket prompt = connect()) { // a client that speaks at once is served as before
            write(prompt.getOutputStream(), frame("hello".getBytes(StandardCharsets.US_ASCII)));
            DataInputStream in = new DataInputStream(prompt.getInputStream());
            assertThat(in.readInt()).isEqualTo(5);
            assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
            Thread.sleep(600); // past the timeout: a session, once it has its first message, is not reset by it
            write(prompt.getOutputStream(), frame("again".getBytes(StandardCharsets.US_ASCII)));
            assertThat(in.readInt()).isEqualTo(5);
            assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("again");
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", server.localAddress().getPort()), 5000);
        socket.setSoTimeout(10_000);
        return socket;
    }

    private double protocolErrors(String reason) {
        var counter = meters.find("netbios.protocol.errors").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private static boolean closedByServer(InputStream in) {
        try {
            return in.read() == -1;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true; // a reset is a close too
        }
    }

    private static byte[] frame(byte[] payload) {
        byte[] frame = new byte[4 + payload.length];
        frame[1] = (byte) (payload.length >>> 16);
        frame[2] = (byte) (payload.length >>> 8);
        frame[3] = (byte) payload.length;
        System.arraycopy(payload, 0, frame, 4, payload.length);
        return frame;
    }

    private static void write(OutputStream out, byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }
}
