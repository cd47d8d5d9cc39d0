package org.nbstack.netbios.session;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Ending a connection with a TCP reset instead of a FIN, for peers that are owed nothing more. */
public final class TcpReset {

    private static final Logger log = LoggerFactory.getLogger(TcpReset.class);

    private TcpReset() {
    }

    /**
     * Closes {@code channel} with a reset where the transport supports SO_LINGER 0: the kernel drops its send
     * buffer and keeps no FIN_WAIT or TIME_WAIT state for the connection. Elsewhere it closes plainly.
     */
    public static ChannelFuture close(Channel channel) {
        try {
            channel.config().setOption(ChannelOption.SO_LINGER, 0);
        } catch (RuntimeException unsupported) {
            log.debug("{}: transport cannot reset on close", channel, unsupported);
        }
        return channel.close();
    }
}
