package org.nbstack.tcp.sim;

/** One simulated test run for one seed; fails by throwing (an AssertionError, typically). */
@FunctionalInterface
public interface SimScenario {

    void run(long seed) throws Exception;
}
