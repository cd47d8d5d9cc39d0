/** The deployable nbstack server: CLI, wiring, admin endpoint (work starts with its issue). */
package org.nbstack.server;
