package org.nbstack.netbios.interop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import jcifs.CIFSContext;
import jcifs.config.PropertyConfiguration;
import jcifs.context.BaseContext;
import jcifs.smb.SmbFile;
import org.junit.jupiter.api.Test;
import org.nbstack.netbios.name.NetbiosName;
import org.nbstack.netbios.server.NameListener;
import org.nbstack.netbios.server.NetbiosServerSettings;

/**
 * jcifs-ng against the server on 127.0.0.1:139. Given an IP address, jcifs calls {@code *SMBSERVER<20>},
 * which the server maps to its default name; then it starts SMB negotiation, which ends there (no file
 * service yet), so the test checks the session service's part through the server's metrics. Against the server on
 * the engine over a TUN device, jcifs-ng runs in a child JVM ({@link JcifsProbe}) in the test's network namespace.
 */
class JcifsInteropTest {

    @Test
    void jcifsGetsAPositiveResponseForSmbServer() throws Exception {
        try (RealClientServer server = RealClientServer.onPort139(NetbiosServerSettings.builder().defaultName(RealClientServer.SERVER))) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, server.recordFirstMessageAndClose()));
            assertThatThrownBy(() -> list(context("JCIFSCLIENT"))).as("no SMB service behind the session").isNotNull();
            assertThat(server.established()).isGreaterThanOrEqualTo(1);
            assertThat(server.negatives(0x82)).isZero();
            assertThat(server.firstMessages).isNotEmpty()
                    .allSatisfy(head -> assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("SMB"));
        }
    }

    @Test
    void jcifsIsRefusedWith81WhenTheListenIsForAnotherCaller() throws Exception {
        try (RealClientServer server = RealClientServer.onPort139(NetbiosServerSettings.builder().defaultName(RealClientServer.SERVER))) {
            server.listeners.listen(NameListener.builder(RealClientServer.SERVER).handler(server.recordFirstMessageAndClose())
                    .allowCallers(NetbiosName.of("SOMEONEELSE", 0)).build());
            assertThatThrownBy(() -> list(context("JCIFSCLIENT"))).isNotNull();
            assertThat(server.established()).isZero();
            assertThat(server.negatives(0x81)).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void jcifsOnTheEngineOverTunGetsAPositiveResponseForSmbServer() throws Exception {
        try (EngineTun tun = EngineTun.open();
                RealClientServer server = RealClientServer.onEngine(tun, NetbiosServerSettings.NBSS_PORT,
                        NetbiosServerSettings.builder().defaultName(RealClientServer.SERVER))) {
            server.listeners.listen(NameListener.of(RealClientServer.SERVER, server.recordFirstMessageAndClose()));
            String output = probe(tun, "JCIFSCLIENT");
            assertThat(server.established()).as(output).isGreaterThanOrEqualTo(1);
            assertThat(server.negatives(0x82)).as(output).isZero();
            assertThat(server.firstMessages).as(output).isNotEmpty()
                    .allSatisfy(head -> assertThat(new String(head, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("SMB"));
        }
    }

    @Test
    void jcifsOnTheEngineOverTunIsRefusedWith81WhenTheListenIsForAnotherCaller() throws Exception {
        try (EngineTun tun = EngineTun.open();
                RealClientServer server = RealClientServer.onEngine(tun, NetbiosServerSettings.NBSS_PORT,
                        NetbiosServerSettings.builder().defaultName(RealClientServer.SERVER))) {
            server.listeners.listen(NameListener.builder(RealClientServer.SERVER).handler(server.recordFirstMessageAndClose())
                    .allowCallers(NetbiosName.of("SOMEONEELSE", 0)).build());
            String output = probe(tun, "JCIFSCLIENT");
            assertThat(server.established()).as(output).isZero();
            assertThat(server.negatives(0x81)).as(output).isGreaterThanOrEqualTo(1);
        }
    }

    /** Runs {@link JcifsProbe} in a child JVM in the namespace, with this JVM's classpath, and returns what it said. */
    private static String probe(EngineTun tun, String callingName) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        EngineTun.Result result = tun.exec(Duration.ofSeconds(90), List.of(java, "-cp", System.getProperty("java.class.path"),
                JcifsProbe.class.getName(), EngineTun.ENGINE, callingName), Map.of());
        assertThat(result.exit()).as("jcifs-ng's JVM: " + result.output()).isZero();
        return "jcifs-ng said: " + result.output();
    }

    private static void list(CIFSContext context) throws Exception {
        try (SmbFile root = new SmbFile("smb://127.0.0.1:139/", context)) {
            root.list();
        }
    }

    static CIFSContext context(String myName) throws Exception {
        Properties properties = new Properties();
        properties.setProperty("jcifs.netbios.hostname", myName);
        properties.setProperty("jcifs.resolveOrder", "DNS"); // no NetBIOS name queries leave the machine
        properties.setProperty("jcifs.smb.client.connTimeout", "3000");
        properties.setProperty("jcifs.smb.client.soTimeout", "3000");
        properties.setProperty("jcifs.smb.client.responseTimeout", "3000");
        return new BaseContext(new PropertyConfiguration(properties));
    }
}
