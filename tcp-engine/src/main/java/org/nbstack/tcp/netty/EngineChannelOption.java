package org.nbstack.tcp.netty;

import io.netty.channel.ChannelOption;

/**
 * Options of engine channels beyond Netty's {@link ChannelOption}s, named and measured as on Linux
 * (and Netty's epoll transport), so code can set them by analogy.
 */
public final class EngineChannelOption<T> extends ChannelOption<T> {

    /** Idle seconds before the first keepalive probe (Linux TCP_KEEPIDLE; RFC 1122 4.2.3.6). */
    public static final ChannelOption<Integer> TCP_KEEPIDLE = valueOf(EngineChannelOption.class, "ENGINE_TCP_KEEPIDLE");
    /** Seconds between keepalive probes (Linux TCP_KEEPINTVL). */
    public static final ChannelOption<Integer> TCP_KEEPINTVL = valueOf(EngineChannelOption.class, "ENGINE_TCP_KEEPINTVL");
    /** Unanswered probes before the connection is dropped (Linux TCP_KEEPCNT). */
    public static final ChannelOption<Integer> TCP_KEEPCNT = valueOf(EngineChannelOption.class, "ENGINE_TCP_KEEPCNT");
    /** Milliseconds sent data may stay unacknowledged before the connection is aborted; 0 is off (RFC 5482, Linux TCP_USER_TIMEOUT). */
    public static final ChannelOption<Integer> TCP_USER_TIMEOUT = valueOf(EngineChannelOption.class, "ENGINE_TCP_USER_TIMEOUT");
    /**
     * The congestion control algorithm by name, {@code cubic} or {@code newreno} (Linux TCP_CONGESTION); the stack's
     * {@code congestion-control} setting is the default. Set on a running connection, the new algorithm takes over
     * its window.
     */
    public static final ChannelOption<String> CONGESTION_CONTROL =
            valueOf(EngineChannelOption.class, "ENGINE_CONGESTION_CONTROL");

    @SuppressWarnings({"deprecation", "unused"})
    private EngineChannelOption() {
        super(null);
    }
}
