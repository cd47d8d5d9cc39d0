/**
 * The {@code engine} Netty transport: {@link org.nbstack.tcp.netty.EngineSocketChannel} and
 * {@link org.nbstack.tcp.netty.EngineServerSocketChannel} over one {@link org.nbstack.tcp.stack.TcpStack}
 * shard per event loop (see {@link org.nbstack.tcp.netty.Engine} for how shards share addresses).
 */
package org.nbstack.tcp.netty;
