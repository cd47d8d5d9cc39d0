package org.nbstack.server.testing;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetSocketAddress;
import java.time.Duration;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.client.NetbiosClientSettings;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.session.NetbiosSession;
import org.nbstack.spi.Transports;

/** NetBIOS session clients on the kernel transport. */
public final class Clients {

    private Clients() {
    }

    public static NetbiosClient client(MeterRegistry meters) {
        return NetbiosClient.create(Transports.named("nio"), NetbiosClientSettings.DEFAULT, meters);
    }

    public static NetbiosSession connect(NetbiosClient client, String hostPort, String called) {
        int colon = hostPort.lastIndexOf(':');
        return client.connect(new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1))),
                NetbiosName.server(called), NetbiosName.of("TESTER", NetbiosName.WORKSTATION_SUFFIX)).block(Duration.ofSeconds(10));
    }
}
