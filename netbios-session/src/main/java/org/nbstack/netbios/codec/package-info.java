/**
 * RFC 1002 §4.3 session packets and their Netty codec. Bad input always ends in
 * {@link org.nbstack.netbios.codec.NbssProtocolException}, never another exception.
 */
package org.nbstack.netbios.codec;
