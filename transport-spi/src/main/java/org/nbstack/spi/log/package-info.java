/** Logging helpers every module shares (the engine and the NetBIOS server both depend on the SPI). */
package org.nbstack.spi.log;
