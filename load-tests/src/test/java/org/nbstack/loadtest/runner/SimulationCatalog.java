package org.nbstack.loadtest.runner;

import java.util.List;
import java.util.Locale;
import org.nbstack.loadtest.server.ServerTuning;
import org.nbstack.loadtest.simulations.ConnectionChurnSimulation;
import org.nbstack.loadtest.simulations.FailingClientsSimulation;
import org.nbstack.loadtest.simulations.ReconnectStormSimulation;
import org.nbstack.loadtest.simulations.SteadyEchoSimulation;

/** The simulations by their command-line names, with what a runner needs to know about each. */
public final class SimulationCatalog {

    /**
     * @param name          the name on the command line, e.g. {@code steady-echo}
     * @param mainRequest   the request whose percentiles summarise a run
     * @param tuning        the server settings it needs
     * @param needsInJvmServer true when it calls a name {@code bin/nbstack serve} does not serve ({@code ONESHOT})
     */
    public record Entry(String name, Class<?> simulationClass, String mainRequest, ServerTuning tuning, boolean needsInJvmServer) {

        /** Gatling's id for it: the class's simple name, lower-cased; its report folders start with it. */
        public String simulationId() {
            return simulationClass.getSimpleName().toLowerCase(Locale.ROOT);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    public static final List<Entry> ALL = List.of(
            new Entry("steady-echo", SteadyEchoSimulation.class, "echo", ServerTuning.STANDARD, false),
            new Entry("connection-churn", ConnectionChurnSimulation.class, "connect", ServerTuning.STANDARD, false),
            new Entry("failing-clients", FailingClientsSimulation.class, "echo", ServerTuning.FAST_STALL_DETECTION, false),
            new Entry("reconnect-storm", ReconnectStormSimulation.class, "reconnect", ServerTuning.STANDARD, true));

    private SimulationCatalog() {
    }

    public static Entry named(String name) {
        return ALL.stream().filter(e -> e.name().equals(name)).findFirst().orElseThrow(() -> new IllegalArgumentException(
                "unknown simulation '" + name + "'; choose one of " + ALL.stream().map(Entry::name).toList()));
    }
}
