/** Gatling load tests for NetBIOS sessions (work starts with its issue). */
package org.nbstack.loadtest;
