/**
 * The deterministic simulator, test code only (it ships in tcp-engine's test-jar, never in the engine's jar): a
 * {@link org.nbstack.tcp.sim.SimWorld} runs stacks and other nodes over simulated links in virtual time with one
 * event queue, and {@link org.nbstack.tcp.sim.SimEventLoops} runs Netty event loops (the engine transport and
 * everything on it) one task at a time in virtual time. Links inject the faults of
 * {@link org.nbstack.tcp.link.LinkFaults}; partitions, filters and the bandwidth queue are the simulator's own.
 * {@link org.nbstack.tcp.sim.SimSeeds} runs a scenario over many seeds and prints the command that replays a failing
 * one, with its trace.
 */
package org.nbstack.tcp.sim;
