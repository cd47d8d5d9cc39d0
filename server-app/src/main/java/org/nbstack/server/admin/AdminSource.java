package org.nbstack.server.admin;

import java.time.Duration;
import java.util.List;

/** What the admin endpoint reads from the running server. Every method answers without waiting on a session. */
public interface AdminSource {

    /** The metrics exposition in {@code contentType}. */
    String scrape(String contentType);

    /** Whether the server serves: at least one listener runs. */
    boolean healthy();

    StatusView status();

    List<SessionRow> sessions();

    /** The engine's netstat, waiting at most {@code timeout} for the engine. */
    NetstatView netstat(Duration timeout);
}
