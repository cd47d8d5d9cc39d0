package org.nbstack.netbios.session;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.client.NetbiosClientSettings;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.ListenerRegistry;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.testing.TestServers;
import org.nbstack.spi.Transports;
import org.slf4j.LoggerFactory;

/**
 * One session, one "ended" line at INFO: the server's, naming the caller's address without a leading slash. A
 * process that runs a client too (ping, load tests, the server's own tests) logs the client's end only at DEBUG,
 * so an operator reading the log never sees one session end twice.
 */
class SessionEndLoggedOnceTest {

    private static final NetbiosName SERVER = NetbiosName.server("ONCE");
    private static final NetbiosName CLIENT = NetbiosName.of("CALLER", 0);

    @Test
    void aSessionClosedByTheClientIsLoggedEndedOnceAtInfo() throws Exception {
        Logger logger = (Logger) LoggerFactory.getLogger(ChannelSession.class);
        Level level = logger.getLevel();
        ListAppender<ILoggingEvent> lines = new ListAppender<>();
        lines.start();
        logger.addAppender(lines);
        logger.setLevel(Level.DEBUG);
        ListenerRegistry listeners = new ListenerRegistry();
        listeners.listen(NameListener.of(SERVER, session -> session.inbound()));
        try (NetbiosServer server = TestServers.start("nio", listeners, new SimpleMeterRegistry(), b -> b);
                NetbiosClient client = NetbiosClient.create(Transports.named("nio"), NetbiosClientSettings.DEFAULT, null)) {
            NetbiosSession session = client.connect(server.localAddress(), SERVER, CLIENT).block(Duration.ofSeconds(10));
            InetSocketAddress local = (InetSocketAddress) awaitOneSession(server).remoteAddress();
            session.close();
            session.onClose().block(Duration.ofSeconds(10));
            awaitNoSessions(server);

            List<ILoggingEvent> ended = lines.list.stream().filter(e -> e.getFormattedMessage().contains("ended")).toList();
            assertThat(ended).filteredOn(e -> e.getLevel() == Level.INFO).singleElement()
                    .extracting(ILoggingEvent::getFormattedMessage)
                    .isEqualTo("session 1 CALLER<00> -> ONCE<20> from " + local.getHostString() + ":" + local.getPort()
                            + " ended: PEER_CLOSED");
            assertThat(ended).as("the client's own end, for whoever debugs the client").filteredOn(e -> e.getLevel() == Level.DEBUG)
                    .singleElement().extracting(ILoggingEvent::getFormattedMessage).asString()
                    .startsWith("client session 1 CALLER<00> -> ONCE<20> to ").endsWith(" ended: LOCAL_CLOSE");
        } finally {
            logger.setLevel(level);
            logger.detachAppender(lines);
        }
    }

    private static SessionStatus awaitOneSession(NetbiosServer server) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (server.sessions().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        return server.sessions().getFirst();
    }

    private static void awaitNoSessions(NetbiosServer server) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!server.sessions().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.sessions()).as("the server saw the session end").isEmpty();
    }
}
