package org.nbstack.loadtest.gatling;

import io.gatling.core.session.Session;

/** What one NBSS action does for one virtual user. Runs on the user's Gatling event loop and must never block. */
@FunctionalInterface
public interface NbssStep {

    void start(Session session, StepOutcome outcome);
}
