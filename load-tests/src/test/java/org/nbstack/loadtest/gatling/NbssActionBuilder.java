package org.nbstack.loadtest.gatling;

import io.gatling.core.CoreComponents;
import io.gatling.core.action.Action;
import io.gatling.core.structure.ScenarioContext;

/** Gatling's Java DSL {@code ActionBuilder} for one NBSS step; Gatling builds the action when the simulation starts. */
final class NbssActionBuilder implements io.gatling.javaapi.core.ActionBuilder {

    private final String requestName;
    private final NbssStep step;

    NbssActionBuilder(String requestName, NbssStep step) {
        this.requestName = requestName;
        this.step = step;
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        return new ScalaBuilder();
    }

    /** The Scala-side builder, which Gatling calls with the scenario's components and the next action. */
    private final class ScalaBuilder implements io.gatling.core.action.builder.ActionBuilder {
        @Override
        public Action build(ScenarioContext context, Action next) {
            CoreComponents core = context.coreComponents();
            return new NbssAction(requestName, step, next, core.statsEngine(), core.clock());
        }
    }
}
