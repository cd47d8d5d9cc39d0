/**
 * Load tests for the NetBIOS session service: where the load goes ({@code target}), the server under test
 * ({@code server}) and the figures a run leaves behind ({@code report}). The Gatling simulations and their NBSS
 * action live in the test sources, because Gatling is a test-scope dependency.
 */
package org.nbstack.loadtest;
