/** The server a load test runs against: in this JVM, or a {@code bin/nbstack serve} process, with its CPU and memory. */
package org.nbstack.loadtest.server;
