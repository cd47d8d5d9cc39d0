/**
 * The deployable nbstack server: {@code cli} (the {@code nbstack} command), {@code app} (listeners and lifecycle),
 * {@code handlers} (built-in session handlers and their SPI), {@code admin} (the HTTP admin endpoint),
 * {@code metrics}, {@code logging} and {@code engine} (what the server reads from the userspace engine).
 */
package org.nbstack.server;
