package org.nbstack.netbios.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.metrics.NetbiosMetrics;
import org.nbstack.netbios.name.NetbiosName;

/**
 * What a service says about its session for the admin views: carried as given, in order, frozen when made, and never
 * able to break a status query (a view that fails is left out).
 */
class ServiceViewTest {

    private EmbeddedChannel channel;
    private ChannelSession session;

    @BeforeEach
    void establish() {
        channel = new EmbeddedChannel(new ChannelInboundHandlerAdapter());
        session = ChannelSession.establish(1, ChannelSession.Side.SERVER, channel, channel.pipeline().names().getFirst(),
                NetbiosName.server("SERVER"), NetbiosName.of("CLIENT", 0),
                new SessionSettings(SessionLimits.DEFAULT, new SessionTimeouts(Duration.ZERO, Duration.ZERO, Duration.ZERO), 1024),
                new NetbiosMetrics(new SimpleMeterRegistry(), "server"), new SessionRegistry(), Duration.ZERO, () -> { });
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    @Test
    void aSessionWhoseServiceSaidNothingHasNoView() {
        assertThat(session.serviceView()).isEmpty();
        session.describeWith(() -> null);
        assertThat(session.serviceView()).isEmpty();
    }

    @Test
    void theViewIsTheServicesLatestInItsOrderAndFrozenWhenMade() {
        List<String> trees = new ArrayList<>(List.of("IPC$"));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("users", List.of("guest"));
        details.put("trees", trees);
        details.put("open_files", 2);
        ServiceView made = new ServiceView("smb", details);
        trees.add("share");
        session.describeWith(() -> made);

        ServiceView view = session.serviceView().orElseThrow();
        assertThat(view.service()).isEqualTo("smb");
        assertThat(view.details()).containsExactly(Map.entry("users", List.of("guest")), Map.entry("trees", List.of("IPC$")),
                Map.entry("open_files", 2));
        assertThatThrownBy(() -> view.details().put("locks", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aViewThatFailsIsLeftOutAndTheSessionStillAnswers() {
        session.describeWith(() -> {
            throw new IllegalStateException("the service is broken");
        });
        assertThat(session.serviceView()).isEmpty();
        assertThat(session.status().state()).isEqualTo(SessionState.ESTABLISHED);
    }
}
