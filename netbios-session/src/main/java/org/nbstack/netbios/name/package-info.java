/** NetBIOS names (RFC 1001 §14): 15 octets, a suffix octet and an optional scope. */
package org.nbstack.netbios.name;
