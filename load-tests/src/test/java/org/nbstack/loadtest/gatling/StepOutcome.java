package org.nbstack.loadtest.gatling;

import io.gatling.core.session.Session;

/** How a step ends; exactly one call per step, from any thread. */
public interface StepOutcome {

    /** The request succeeded: record it as OK and go on with {@code next}. */
    void ok(Session next);

    /** The request failed: record it as KO with {@code message}, mark the user failed and go on. */
    void ko(Session next, String message);

    /** Nothing to record (a step that only changes state or waits): go on with {@code next}. */
    void proceed(Session next);
}
