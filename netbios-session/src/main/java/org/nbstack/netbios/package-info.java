/** RFC 1001/1002 NetBIOS session service running on any {@code org.nbstack.spi} transport (work starts with its issue). */
package org.nbstack.netbios;
