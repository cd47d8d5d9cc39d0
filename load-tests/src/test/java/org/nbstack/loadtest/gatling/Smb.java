package org.nbstack.loadtest.gatling;

import io.gatling.core.session.Session;
import io.gatling.javaapi.core.ActionBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.nbstack.loadtest.server.SmbFileServer;
import org.nbstack.loadtest.smb.Smb2Client;

/**
 * SMB2 file actions for Gatling's Java DSL, on {@link Smb2Client}: each step runs its blocking client calls on a virtual
 * thread of its own (never on Gatling's event loop) and records the result under its request name.
 */
public final class Smb {

    private static final String CLIENT = "smb.client";
    private static final String FILE = "smb.file";
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** What the kernel buffers for a user that stops reading: small, so the server's writes stall soon. */
    private static final int NON_READING_RECEIVE_BUFFER = 8 * 1024;

    private final Supplier<InetSocketAddress> server;

    public Smb(Supplier<InetSocketAddress> server) {
        this.server = server;
    }

    /** Connects, logs on anonymously, connects the share and creates the user's own file. */
    public ActionBuilder connect(String requestName) {
        return connectWith(requestName, 0);
    }

    /** The same through a small receive buffer, for users that will stop reading. */
    public ActionBuilder connectNonReading(String requestName) {
        return connectWith(requestName, NON_READING_RECEIVE_BUFFER);
    }

    private ActionBuilder connectWith(String requestName, int receiveBuffer) {
        return blocking(requestName, session -> {
            Smb2Client client = Smb2Client.connect(server.get(), SmbFileServer.NAME, "LOAD" + session.userId(), receiveBuffer, TIMEOUT);
            try {
                client.logOnAndConnect("FILES", "share");
                byte[] file = client.create("user-" + session.userId() + ".bin", Smb2Client.FILE_OVERWRITE_IF);
                return session.set(CLIENT, client).set(FILE, file);
            } catch (IOException | RuntimeException e) {
                client.close();
                throw e;
            }
        });
    }

    /** Writes {@code size} octets at a random one of 16 places of the user's file, reads them back and compares. */
    public ActionBuilder writeAndReadBack(String requestName, int size) {
        return blocking(requestName, session -> {
            Smb2Client client = client(session);
            byte[] file = (byte[]) session.attributes().apply(FILE);
            byte[] data = new byte[size];
            ThreadLocalRandom.current().nextBytes(data);
            long offset = (long) ThreadLocalRandom.current().nextInt(16) * size;
            client.write(file, offset, data);
            if (!Arrays.equals(client.read(file, offset, size), data)) {
                throw new IOException("read back other octets than were written at " + offset);
            }
            return session;
        });
    }

    /** Reads {@code size} octets of the shared file at a random offset (opens it on first use). */
    public ActionBuilder readShared(String requestName, int size) {
        return blocking(requestName, session -> {
            Smb2Client client = client(session);
            byte[] shared = client.create(SmbFileServer.READ_FILE, Smb2Client.FILE_OPEN);
            long offset = ThreadLocalRandom.current().nextLong(SmbFileServer.READ_FILE_SIZE - size);
            int got = client.read(shared, offset, size).length;
            client.close(shared);
            if (got != size) {
                throw new IOException("READ of " + size + " octets returned " + got);
            }
            return session;
        });
    }

    /** Closes the user's file and ends the connection. */
    public ActionBuilder close(String requestName) {
        return blocking(requestName, session -> {
            Smb2Client client = client(session);
            try {
                client.close((byte[]) session.attributes().apply(FILE));
            } finally {
                client.close();
            }
            return session.remove(CLIENT);
        });
    }

    /**
     * Seed 004, a client that stops reading mid-READ: asks for 64 KiB of the shared file every {@code every} for
     * {@code during} and reads none of the answers (the server's writes to it stall), not recorded.
     */
    public ActionBuilder stopReadingMidRead(Duration every, Duration during) {
        return step(session -> {
            Smb2Client client = client(session);
            byte[] shared = client.create(SmbFileServer.READ_FILE, Smb2Client.FILE_OPEN);
            long end = System.nanoTime() + during.toNanos();
            try {
                while (System.nanoTime() - end < 0) {
                    client.sendRead(shared, 0, 65536);
                    Thread.sleep(every);
                }
            } catch (IOException endedByTheServer) {
                // the server tore the connection down while this user still sent: what it should do
            }
            return session;
        });
    }

    /** Seed 004, a client that vanishes: asks for {@code count} READs of 64 KiB at once, then neither reads, sends nor closes. */
    public ActionBuilder vanishAfterReads(int count) {
        return step(session -> {
            Smb2Client client = client(session);
            byte[] shared = client.create(SmbFileServer.READ_FILE, Smb2Client.FILE_OPEN);
            for (int i = 0; i < count; i++) {
                client.sendRead(shared, (long) i * 65536, 65536);
            }
            return session;
        });
    }

    /** Whether the server has torn the failed user's connection down: ended, or ending as the user reads again, within {@code bound}. */
    public ActionBuilder checkTornDown(String requestName, Duration bound) {
        return blocking(requestName, session -> {
            Smb2Client client = client(session);
            try {
                if (!client.endedWithin(bound)) {
                    throw new IOException("the server still served the failed connection of a '" + session.scenario() + "' user");
                }
            } finally {
                client.close();
            }
            return session.remove(CLIENT);
        });
    }

    private static Smb2Client client(Session session) throws IOException {
        if (!session.contains(CLIENT)) {
            throw new IOException("no open connection");
        }
        return (Smb2Client) session.attributes().apply(CLIENT);
    }

    private interface Work {
        Session run(Session session) throws Exception;
    }

    private static ActionBuilder blocking(String requestName, Work work) {
        return new NbssActionBuilder(requestName, (session, outcome) -> Thread.ofVirtual().name("smb-load-" + session.userId()).start(() -> {
            try {
                outcome.ok(work.run(session));
            } catch (Exception e) {
                outcome.ko(session, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }));
    }

    private static ActionBuilder step(Work work) {
        return new NbssActionBuilder("(unrecorded)", (session, outcome) -> Thread.ofVirtual().start(() -> {
            try {
                outcome.proceed(work.run(session));
            } catch (Exception e) {
                outcome.ko(session, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            }
        }));
    }
}
