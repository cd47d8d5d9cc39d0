package org.nbstack.loadtest.gatling;

import com.typesafe.scalalogging.Logger;
import io.gatling.commons.stats.KO$;
import io.gatling.commons.stats.OK$;
import io.gatling.commons.stats.Status;
import io.gatling.commons.util.Clock;
import io.gatling.core.action.Action;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import java.util.concurrent.atomic.AtomicBoolean;
import org.nbstack.loadtest.report.LatencyBook;
import org.slf4j.LoggerFactory;
import scala.Option;

/**
 * Gatling's {@code Action}, implemented in Java: runs an {@link NbssStep} and records its result under the action's
 * request name, in Gatling's stats engine (milliseconds) and in the run's {@link LatencyBook} (microseconds), then
 * hands the user on to the next action on the user's own event loop.
 */
final class NbssAction implements Action {

    private static final org.slf4j.Logger log = LoggerFactory.getLogger(NbssAction.class);

    private final String requestName;
    private final NbssStep step;
    private final Action next;
    private final StatsEngine stats;
    private final Clock clock;
    private Logger logger = Logger.apply(log);

    NbssAction(String requestName, NbssStep step, Action next, StatsEngine stats, Clock clock) {
        this.requestName = requestName;
        this.step = step;
        this.next = next;
        this.stats = stats;
        this.clock = clock;
    }

    @Override
    public String name() {
        return requestName;
    }

    @Override
    public void execute(Session session) {
        Outcome outcome = new Outcome(session, clock.nowMillis(), System.nanoTime());
        try {
            step.start(session, outcome);
        } catch (RuntimeException e) {
            log.warn("{} failed for user {}", requestName, session.userId(), e);
            outcome.ko(session, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }

    /** One execution's end, recorded once. */
    private final class Outcome implements StepOutcome {
        private final Session session;
        private final long startMillis;
        private final long startNanos;
        private final AtomicBoolean done = new AtomicBoolean();

        Outcome(Session session, long startMillis, long startNanos) {
            this.session = session;
            this.startMillis = startMillis;
            this.startNanos = startNanos;
        }

        @Override
        public void ok(Session nextSession) {
            record(nextSession, OK$.MODULE$, null);
        }

        @Override
        public void ko(Session nextSession, String message) {
            record(nextSession.markAsFailed(), KO$.MODULE$, message);
        }

        @Override
        public void proceed(Session nextSession) {
            if (done.compareAndSet(false, true)) {
                continueWith(nextSession);
            }
        }

        private void record(Session nextSession, Status status, String message) {
            if (!done.compareAndSet(false, true)) {
                return;
            }
            long endNanos = System.nanoTime();
            long endMillis = startMillis + (endNanos - startNanos) / 1_000_000;
            LatencyBook.current().record(requestName, startNanos, endNanos, status == OK$.MODULE$);
            stats.logResponse(session.scenario(), session.groups(), requestName, startMillis, endMillis, status,
                    Option.empty(), Option.apply(message));
            continueWith(nextSession);
        }

        private void continueWith(Session nextSession) {
            // Gatling runs each user on one event loop; callbacks from Netty or timers hop back onto it.
            if (nextSession.eventLoop().inEventLoop()) {
                next.execute(nextSession);
            } else {
                nextSession.eventLoop().execute(() -> next.execute(nextSession));
            }
        }
    }

    // Action extends Scala's StrictLogging, whose val is a getter and a setter for a Java class.
    @Override
    public Logger logger() {
        return logger;
    }

    @Override
    public void com$typesafe$scalalogging$StrictLogging$_setter_$logger_$eq(Logger value) {
        this.logger = value;
    }
}
