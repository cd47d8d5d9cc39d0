/** Micrometer meters of the NetBIOS session service (see {@link org.nbstack.netbios.metrics.NetbiosMetrics}). */
package org.nbstack.netbios.metrics;
