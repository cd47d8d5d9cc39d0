package org.nbstack.server.admin;

import java.time.Duration;
import java.util.List;
import org.nbstack.server.metrics.ServerMeters;

/** What the admin endpoint reads from the running server. Every method answers without waiting on a session. */
public interface AdminSource {

    /** The metrics exposition in the format an HTTP {@code Accept} header (may be null) asks for. */
    ServerMeters.Exposition scrape(String acceptHeader);

    /** Whether the server serves: at least one listener runs. */
    boolean healthy();

    /** Why the server serves less than it was configured to (e.g. a listener skipped at start); empty when it does not. */
    default java.util.Optional<String> degraded() {
        return java.util.Optional.empty();
    }

    StatusView status();

    List<SessionRow> sessions();

    /** The engine's netstat, waiting at most {@code timeout} for the engine. */
    NetstatView netstat(Duration timeout);
}
