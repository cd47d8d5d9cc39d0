package org.nbstack.loadtest.gatling;

import io.gatling.core.session.Session;
import io.gatling.javaapi.core.ActionBuilder;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.nbstack.netbios.client.NetbiosClient;
import org.nbstack.netbios.name.NetbiosName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The NBSS protocol's actions for Gatling's Java DSL. Each returns an {@link ActionBuilder} for
 * {@code scenario(...).exec(...)}; the user's open session travels in its Gatling session.
 */
public final class Nbss {

    private static final Logger log = LoggerFactory.getLogger(Nbss.class);
    private static final Duration SETUP_TIMEOUT = Duration.ofSeconds(10);
    /** Local ports for users that reconnect from their own port: below Linux's ephemeral range (32768-60999). */
    private static final int LOCAL_PORT_BASE = Integer.getInteger(Knobs.PREFIX + "localPortBase", 21000);
    private static final int LOCAL_PORT_COUNT = 4000;
    /**
     * Binding a port whose previous connection is still in LAST_ACK (the user's FIN not yet acknowledged) fails for
     * a moment; it is retried every millisecond for up to this long, which counts in the reconnect's time. A port held
     * longer than the 1 s initial RTO means an ACK was lost, and fails the reconnect.
     */
    private static final Duration PORT_RELEASE_BOUND = Duration.ofSeconds(1);

    private final LoadRun run;

    public Nbss(LoadRun run) {
        this.run = run;
    }

    /** Opens a session with {@code called} through the shared {@code NetbiosClient}; recorded as {@code requestName}. */
    public ActionBuilder connect(String requestName, NetbiosName called) {
        return action(requestName, (session, outcome) -> connectWith(run.client(), called, session, outcome));
    }

    /** Opens a session through the client for users that will stop reading (small receive buffer, short inbound queue). */
    public ActionBuilder connectNonReading(String requestName, NetbiosName called) {
        return action(requestName, (session, outcome) -> connectWith(run.nonReadingClient(), called, session, outcome));
    }

    private void connectWith(NetbiosClient client, NetbiosName called, Session session, StepOutcome outcome) {
        Session clean = dropConnection(session);
        client.connect(run.serverAddress(), called, callingName(session)).subscribe(
                established -> outcome.ok(clean.set(VuConnection.KEY, new VuConnection(established, run, 0))),
                error -> outcome.ko(clean, describe(error)));
    }

    /**
     * Opens a session with {@code called} from this user's own local port (the same one every time), bound with
     * SO_REUSEADDR on the kernel's transports.
     */
    public ActionBuilder connectFromOwnPort(String requestName, NetbiosName called) {
        return action(requestName, (session, outcome) -> {
            Session clean = dropConnection(session);
            int port = LOCAL_PORT_BASE + (int) ((session.userId() - 1) % LOCAL_PORT_COUNT);
            connectFrom(port, called, clean, outcome, System.nanoTime() + PORT_RELEASE_BOUND.toNanos());
        });
    }

    private void connectFrom(int port, NetbiosName called, Session session, StepOutcome outcome, long retryDeadlineNanos) {
        InetSocketAddress local = new InetSocketAddress(localHost(), port);
        run.connector().connect(run.serverAddress(), local, called, callingName(session), SETUP_TIMEOUT).whenComplete((established, error) -> {
            if (error == null) {
                outcome.ok(session.set(VuConnection.KEY, new VuConnection(established, run, port)));
            } else if (isPortStillHeld(error) && System.nanoTime() - retryDeadlineNanos < 0) {
                session.eventLoop().schedule(() -> connectFrom(port, called, session, outcome, retryDeadlineNanos), 1,
                        TimeUnit.MILLISECONDS);
            } else {
                outcome.ko(session, "from port " + port + ": " + describe(error));
            }
        });
    }

    private String localHost() {
        if (!run.target().isKernel()) {
            return run.target().clientOptions().getOrDefault("addresses", "0.0.0.0").split(",")[0].trim();
        }
        return run.target().needsNamespace() ? "0.0.0.0" : "127.0.0.1";
    }

    private static boolean isPortStillHeld(Throwable error) {
        String message = String.valueOf(unwrap(error).getMessage());
        return message.contains("Address already in use") || message.contains("Cannot assign requested address");
    }

    /** Sends {@code size} octets and waits for the same octets back, for at most {@code timeout}. */
    public ActionBuilder echo(String requestName, int size, Duration timeout) {
        return action(requestName, (session, outcome) -> {
            VuConnection connection = VuConnection.of(session);
            if (connection == null) {
                outcome.ko(session, "no open session");
                return;
            }
            connection.echo(size, timeout, session.eventLoop(), (ok, why) -> {
                if (ok) {
                    outcome.ok(session);
                } else {
                    outcome.ko(session, why);
                }
            });
        });
    }

    /** Closes the session gracefully and waits until it has ended. */
    public ActionBuilder close(String requestName) {
        return action(requestName, (session, outcome) -> {
            VuConnection connection = VuConnection.of(session);
            if (connection == null) {
                outcome.ko(session, "no open session");
                return;
            }
            connection.close();
            connection.whenEnded(SETUP_TIMEOUT, session.eventLoop(), ended -> {
                connection.forget();
                Session without = session.remove(VuConnection.KEY);
                if (ended) {
                    outcome.ok(without);
                } else {
                    connection.abort();
                    outcome.ko(without, "the session did not end within " + SETUP_TIMEOUT.toSeconds() + " s of closing it");
                }
            });
        });
    }

    /** Waits (recorded) until the server has ended the session, e.g. after the one echo of {@code ONESHOT}. */
    public ActionBuilder awaitServerClose(String requestName, Duration bound) {
        return action(requestName, (session, outcome) -> {
            VuConnection connection = VuConnection.of(session);
            if (connection == null) {
                outcome.ko(session, "no open session");
                return;
            }
            connection.whenEnded(bound, session.eventLoop(), ended -> {
                connection.forget();
                Session without = session.remove(VuConnection.KEY);
                if (ended) {
                    outcome.ok(without);
                } else {
                    connection.abort();
                    outcome.ko(without, "the server did not end the session within " + bound.toMillis() + " ms");
                }
            });
        });
    }

    /**
     * Seed 004, a client that stops reading: from now on it reads nothing, but sends {@code size} octets every
     * {@code every} for {@code during} (or until the session ends), so the server's echoes pile up.
     */
    public ActionBuilder stopReadingAndKeepSending(int size, Duration every, Duration during) {
        return action("stop reading", (session, outcome) -> {
            VuConnection connection = VuConnection.of(session);
            if (connection == null) {
                outcome.ko(session, "no open session");
                return;
            }
            long end = System.nanoTime() + during.toNanos();
            AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
            task.set(session.eventLoop().scheduleAtFixedRate(() -> {
                if (connection.hasEnded() || System.nanoTime() - end >= 0) {
                    ScheduledFuture<?> self = task.get();
                    if (self != null) {
                        self.cancel(false);
                    }
                    outcome.proceed(session);
                } else {
                    connection.sendUnread(size);
                }
            }, 0, every.toNanos(), TimeUnit.NANOSECONDS));
        });
    }

    /** Seed 004, a client that vanishes: sends {@code count} messages of {@code size} octets at once, then neither reads, writes nor closes. */
    public ActionBuilder sendBurstThenVanish(int size, int count) {
        return action("vanish", (session, outcome) -> {
            VuConnection connection = VuConnection.of(session);
            if (connection == null) {
                outcome.ko(session, "no open session");
                return;
            }
            for (int i = 0; i < count; i++) {
                connection.sendUnread(size);
            }
            outcome.proceed(session);
        });
    }

    /**
     * Whether the server has torn the failed session down: already ended, or ending (a reset) as soon as this user
     * reads again, within {@code bound}. A session the server still serves is a failure.
     */
    public ActionBuilder checkTornDown(String requestName, Duration bound) {
        return action(requestName, (session, outcome) -> {
            VuConnection connection = VuConnection.of(session);
            if (connection == null) {
                outcome.ko(session, "no open session");
                return;
            }
            connection.drain();
            connection.whenEnded(bound, session.eventLoop(), ended -> {
                connection.forget();
                Session without = session.remove(VuConnection.KEY);
                if (ended) {
                    outcome.ok(without);
                } else {
                    connection.abort();
                    outcome.ko(without, "the server still served the failed session of a '" + session.scenario()
                            + "' user (no write-stall tear-down)");
                }
            });
        });
    }

    /**
     * Seed 000 on the engine: no SYN retransmission counted by the server's engine during the run. Recorded only
     * when the server exposes the count; otherwise skipped with a message saying why.
     */
    public ActionBuilder checkNoSynRetransmissions(String requestName) {
        return action(requestName, (session, outcome) -> {
            // Reading the count may mean an HTTP request to the admin endpoint: never on Gatling's event loop.
            CompletableFuture.supplyAsync(() -> run.server().synRetransmissions(), task -> Thread.ofVirtual().name("nbss-metrics").start(task))
                    .whenComplete((now, error) -> {
                        Optional<Long> start = run.synRetransmissionsAtStart();
                        if (error != null || now.isEmpty() || start.isEmpty()) {
                            log.info("SYN retransmission check skipped: {}", error != null ? describe(error)
                                    : run.server().synRetransmissionsAbsence());
                            outcome.proceed(session);
                        } else if (now.get().equals(start.get())) {
                            outcome.ok(session);
                        } else {
                            outcome.ko(session, "the server's engine retransmitted " + (now.get() - start.get()) + " SYN(s)");
                        }
                    });
        });
    }

    private static ActionBuilder action(String requestName, NbssStep step) {
        return new NbssActionBuilder(requestName, step);
    }

    /** The user's previous connection, if any, is ended and forgotten. */
    private static Session dropConnection(Session session) {
        VuConnection previous = VuConnection.of(session);
        if (previous == null) {
            return session;
        }
        previous.abort();
        previous.forget();
        return session.remove(VuConnection.KEY);
    }

    private static NetbiosName callingName(Session session) {
        return NetbiosName.of("LOAD" + session.userId(), NetbiosName.WORKSTATION_SUFFIX);
    }

    private static Throwable unwrap(Throwable error) {
        return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    }

    private static String describe(Throwable error) {
        Throwable cause = unwrap(error);
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
