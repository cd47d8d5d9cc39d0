/**
 * {@code bin/loadtest}: runs one simulation against a server it starts (in this JVM, or {@code bin/nbstack serve}),
 * or compares two targets and writes {@code target/bench/loadtest.json}; plus Gatling's programmatic launch, shared
 * with the short forms {@code bin/test} runs.
 */
package org.nbstack.loadtest.runner;
