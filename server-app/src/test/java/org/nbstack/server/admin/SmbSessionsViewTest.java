package org.nbstack.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nbstack.server.cli.Main;
import org.nbstack.server.testing.Http;
import org.nbstack.server.testing.TestServers;

/**
 * An operator looking at {@code /sessions} and {@code nbstack sessions} while impacket's SMB client (python3-impacket)
 * holds a file open and one byte range locked on the default share, over a direct-TCP SMB listener: the session's row
 * names the SMB user, dialect, tree and the open and lock counts, and those drop when the client closes the file and
 * logs off. The script {@code impacket_hold_open.py} waits for the test between its steps.
 */
class SmbSessionsViewTest {

    // Debian's python3-impacket lives in the system interpreter; a python3 earlier on the PATH may not see it.
    private static final String PYTHON = "/usr/bin/python3";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @BeforeAll
    static void needsImpacket() throws Exception {
        Process p = new ProcessBuilder(PYTHON, "-c", "import impacket.smbconnection").redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("impacket (Debian package python3-impacket) imports").isTrue();
    }

    @Test
    void theSessionsViewShowsTheSmbUserTreeOpenFilesAndLocksUntilTheClientClosesAndLogsOff() throws Exception {
        Path dataDir = Files.createDirectories(tmp.resolve("data"));
        var config = TestServers.config("listeners.direct.transport=nio", "listeners.direct.bind=127.0.0.1:0",
                "listeners.direct.protocol=smb-direct", "data-dir=" + dataDir,
                "smb.map-to-guest=bad-user"); // impacket logs on as the unknown user "guest"
        try (var server = TestServers.start(config)) {
            Files.writeString(dataDir.resolve("share/held.txt"), "0123456789abcdef");
            int port = server.server().listenerAddress("direct").orElseThrow().getPort();
            String admin = server.adminAddress();
            Path script = tmp.resolve("impacket_hold_open.py");
            try (InputStream in = SmbSessionsViewTest.class.getResourceAsStream("impacket_hold_open.py")) {
                Files.copy(in, script);
            }
            Process client = new ProcessBuilder(PYTHON, script.toString(), "127.0.0.1", Integer.toString(port), "share", "held.txt")
                    .redirectErrorStream(true).start();
            try (BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
                    Writer in = new java.io.OutputStreamWriter(client.getOutputStream(), StandardCharsets.UTF_8)) {
                List<String> said = new ArrayList<>();
                awaitLine(out, "OPEN", said);
                assertThat(said).as("impacket's LOCK was granted").contains("LOCK ok");

                JsonNode smb = smbOf(admin);
                assertThat(smb.get("name").asText()).isEqualTo("smb");
                assertThat(smb.get("dialect").asText()).as("a negotiated SMB2/3 dialect").matches("[23]\\.\\d\\.\\d");
                assertThat(texts(smb.get("users"))).containsExactly("guest");
                assertThat(texts(smb.get("trees"))).containsExactly("share");
                assertThat(smb.get("open_files").asInt()).isEqualTo(1);
                assertThat(smb.get("locks").asInt()).isEqualTo(1);
                String dialect = smb.get("dialect").asText();

                String table = sessionsCommand(admin, false);
                assertThat(table).contains("SERVICE").containsPattern("ESTABLISHED +smb dialect=" + dialect.replace(".", "\\.")
                        + " users=guest trees=share open_files=1 locks=1");
                JsonNode cliJson = JSON.readTree(sessionsCommand(admin, true));
                assertThat(directRow(cliJson).get("service").get("open_files").asInt()).as("nbstack sessions --json").isEqualTo(1);

                in.write("\n");
                in.flush();
                awaitLine(out, "CLOSED", said);
                smb = smbOf(admin);
                assertThat(smb.get("open_files").asInt()).as("after CLOSE").isZero();
                assertThat(smb.get("locks").asInt()).as("a closed open's locks are gone").isZero();
                assertThat(texts(smb.get("trees"))).containsExactly("share");

                in.write("\n");
                in.flush();
                awaitLine(out, "LOGGED OFF", said);
                smb = smbOf(admin);
                assertThat(texts(smb.get("users"))).as("after LOGOFF").isEmpty();
                assertThat(texts(smb.get("trees"))).as("LOGOFF disconnects the session's trees").isEmpty();
                assertThat(sessionsCommand(admin, false)).contains("users=- trees=- open_files=0 locks=0");

                in.write("\n");
                in.flush();
                awaitLine(out, "DONE", said);
            } finally {
                client.destroyForcibly();
            }
        }
    }

    /** The {@code service} object of the one session the direct listener accepted. */
    private static JsonNode smbOf(String admin) throws Exception {
        JsonNode service = directRow(JSON.readTree(Http.get("http://" + admin + "/sessions").body())).get("service");
        assertThat(service).as("the SMB session's row has a service view").isNotNull();
        return service;
    }

    private static JsonNode directRow(JsonNode sessions) {
        List<JsonNode> direct = new ArrayList<>();
        sessions.get("sessions").forEach(row -> {
            if (row.get("listener").asText().equals("direct")) {
                direct.add(row);
            }
        });
        assertThat(direct).as("one session on the direct listener").hasSize(1);
        return direct.getFirst();
    }

    private static String sessionsCommand(String admin, boolean json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String[] args = json ? new String[] {"sessions", "--admin", admin, "--json"} : new String[] {"sessions", "--admin", admin};
        int status = Main.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                Map.of());
        assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static List<String> texts(JsonNode array) {
        List<String> result = new ArrayList<>();
        array.forEach(node -> result.add(node.asText()));
        return result;
    }

    /** Reads the client's lines until {@code wanted}, failing if the client ends or is silent for 60 s first. */
    private static void awaitLine(BufferedReader out, String wanted, List<String> said) throws Exception {
        while (true) {
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
            assertThat(line).as("the client said " + said + " and ended before " + wanted).isNotNull();
            said.add(line);
            if (line.equals(wanted)) {
                return;
            }
        }
    }
}
