/**
 * The NBSS protocol for Gatling: a Java implementation of Gatling's {@code Action} wrapped by its Java DSL
 * {@code ActionBuilder}, recording every result through Gatling's stats engine and, in microseconds, into the run's
 * {@link org.nbstack.loadtest.report.LatencyBook}. Each virtual user keeps its open NetBIOS session in its Gatling session.
 */
package org.nbstack.loadtest.gatling;
