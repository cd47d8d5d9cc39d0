/**
 * The NBSS simulations. Each reads its sizes from {@code nbstack.loadtest.*} properties (see
 * {@link org.nbstack.loadtest.gatling.Knobs}), runs against the target named by {@code nbstack.loadtest.transport},
 * and states its pass criteria as Gatling assertions, so a failed criterion fails the run.
 */
package org.nbstack.loadtest.simulations;
