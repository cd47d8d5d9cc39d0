package org.nbstack.smb.server;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.nbstack.smb.protocol.Smb2Header;
import org.nbstack.smb.share.Share;

/**
 * Fuzzes the SMB2 request path: a connection that has negotiated gets arbitrary bytes with a valid header start.
 * Whatever they are, the only exception that may escape is the connection fault MS-SMB2 prescribes (the connection is
 * then dropped); every other request gets a response, and every buffer is released (the leak detector fails the test
 * otherwise). A plain test run replays the corpus; {@code JAZZER_FUZZ=1} fuzzes for real.
 */
class SmbRequestFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void request(byte[] input) throws Exception {
        Path root = Files.createTempDirectory("smbfuzz");
        try (SmbService service = new SmbService(SmbSettings.defaults("FUZZ", List.of(new Share("share", root, true, true))),
                new SimpleMeterRegistry())) {
            SmbConnection connection = new SmbConnection(service, "fuzz");
            ByteBuf negotiate = Unpooled.buffer();
            new Smb2Header(0, 0, 0, 1, 0, 0, 0, 0, 0, 0).encode(negotiate);
            negotiate.writeShortLE(36).writeShortLE(1).writeShortLE(0).writeShortLE(0).writeIntLE(0).writeZero(16).writeLongLE(0)
                    .writeShortLE(0x0302);
            ByteBuf negotiated = connection.process(negotiate);
            negotiated.release();
            ByteBuf message = Unpooled.buffer();
            new Smb2Header(1, 0, input.length > 0 ? input[0] & 0x1f : 0, 1, 0, 0, 1, 0, 1, 1).encode(message);
            message.writeBytes(input);
            try {
                ByteBuf response = connection.process(message);
                if (response != null) {
                    response.release();
                }
            } catch (SmbConnection.ConnectionFault expected) {
                // MS-SMB2 3.3.5.2: the server disconnects
            }
            connection.close("fuzz over");
        } finally {
            try (var files = Files.walk(root)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
