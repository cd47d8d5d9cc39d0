/** Microsecond latency histograms, run summaries and the benchmark JSON written next to Gatling's reports. */
package org.nbstack.loadtest.report;
