package org.nbstack.tcp.netty;

import static io.netty.channel.ChannelOption.ALLOW_HALF_CLOSURE;
import static io.netty.channel.ChannelOption.IP_TOS;
import static io.netty.channel.ChannelOption.SO_KEEPALIVE;
import static io.netty.channel.ChannelOption.SO_LINGER;
import static io.netty.channel.ChannelOption.SO_RCVBUF;
import static io.netty.channel.ChannelOption.SO_REUSEADDR;
import static io.netty.channel.ChannelOption.SO_SNDBUF;
import static io.netty.channel.ChannelOption.TCP_NODELAY;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannelConfig;
import java.time.Duration;
import java.util.Map;
import org.nbstack.tcp.core.TcpConfig;
import org.nbstack.tcp.core.congestion.CongestionAlgorithm;

/**
 * Options of an engine stream channel. Socket options become the connection's {@link TcpConfig}: set
 * before connect they shape the handshake (window scale follows SO_RCVBUF, as on Linux); set later they
 * are applied with {@code reconfigure}.
 */
public final class EngineSocketChannelConfig extends DefaultChannelConfig implements SocketChannelConfig {
    /** Smallest buffer accepted; Linux rounds tiny SO_RCVBUF/SO_SNDBUF up likewise. */
    static final int MIN_BUFFER = 2048;

    private final EngineSocketChannel channel;
    private volatile int receiveBuffer;
    private volatile int sendBuffer;
    private volatile boolean noDelay = true; // as Netty's socket channels default to
    private volatile boolean keepAlive;
    private volatile int keepIdleSeconds;
    private volatile int keepIntervalSeconds;
    private volatile int keepCount;
    private volatile int userTimeoutMillis;
    private volatile CongestionAlgorithm congestionControl;
    private volatile int soLinger = -1;
    private volatile boolean reuseAddress;
    private volatile int trafficClass;
    private volatile boolean allowHalfClosure;

    EngineSocketChannelConfig(EngineSocketChannel channel, TcpConfig defaults) {
        super(channel);
        this.channel = channel;
        receiveBuffer = defaults.receiveBuffer();
        sendBuffer = defaults.sendBuffer();
        keepIdleSeconds = (int) Duration.ofNanos(defaults.keepAliveIdleNanos()).toSeconds();
        keepIntervalSeconds = (int) Duration.ofNanos(defaults.keepAliveIntervalNanos()).toSeconds();
        keepCount = defaults.keepAliveCount();
        congestionControl = defaults.congestionControl();
    }

    /** {@code base} with this channel's options applied. */
    TcpConfig apply(TcpConfig base) {
        return base.toBuilder()
                .receiveBuffer(receiveBuffer)
                .sendBuffer(sendBuffer)
                .noDelay(noDelay)
                .keepAlive(keepAlive)
                .keepAliveIdle(Duration.ofSeconds(keepIdleSeconds))
                .keepAliveInterval(Duration.ofSeconds(keepIntervalSeconds))
                .keepAliveCount(keepCount)
                .userTimeout(Duration.ofMillis(userTimeoutMillis))
                .congestionControl(congestionControl)
                .build();
    }

    private void changed() {
        channel.tcpOptionsChanged();
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), SO_RCVBUF, SO_SNDBUF, TCP_NODELAY, SO_KEEPALIVE, SO_REUSEADDR, SO_LINGER,
                IP_TOS, ALLOW_HALF_CLOSURE, EngineChannelOption.TCP_KEEPIDLE, EngineChannelOption.TCP_KEEPINTVL,
                EngineChannelOption.TCP_KEEPCNT, EngineChannelOption.TCP_USER_TIMEOUT,
                EngineChannelOption.CONGESTION_CONTROL);
    }

    @SuppressWarnings("unchecked")
    @Override
    public <T> T getOption(ChannelOption<T> option) {
        if (option == SO_RCVBUF) {
            return (T) Integer.valueOf(getReceiveBufferSize());
        }
        if (option == SO_SNDBUF) {
            return (T) Integer.valueOf(getSendBufferSize());
        }
        if (option == TCP_NODELAY) {
            return (T) Boolean.valueOf(isTcpNoDelay());
        }
        if (option == SO_KEEPALIVE) {
            return (T) Boolean.valueOf(isKeepAlive());
        }
        if (option == SO_REUSEADDR) {
            return (T) Boolean.valueOf(isReuseAddress());
        }
        if (option == SO_LINGER) {
            return (T) Integer.valueOf(getSoLinger());
        }
        if (option == IP_TOS) {
            return (T) Integer.valueOf(getTrafficClass());
        }
        if (option == ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(isAllowHalfClosure());
        }
        if (option == EngineChannelOption.TCP_KEEPIDLE) {
            return (T) Integer.valueOf(keepIdleSeconds);
        }
        if (option == EngineChannelOption.TCP_KEEPINTVL) {
            return (T) Integer.valueOf(keepIntervalSeconds);
        }
        if (option == EngineChannelOption.TCP_KEEPCNT) {
            return (T) Integer.valueOf(keepCount);
        }
        if (option == EngineChannelOption.TCP_USER_TIMEOUT) {
            return (T) Integer.valueOf(userTimeoutMillis);
        }
        if (option == EngineChannelOption.CONGESTION_CONTROL) {
            return (T) congestionControl.configName();
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        validate(option, value);
        if (option == SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == TCP_NODELAY) {
            setTcpNoDelay((Boolean) value);
        } else if (option == SO_KEEPALIVE) {
            setKeepAlive((Boolean) value);
        } else if (option == SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == SO_LINGER) {
            setSoLinger((Integer) value);
        } else if (option == IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == ALLOW_HALF_CLOSURE) {
            setAllowHalfClosure((Boolean) value);
        } else if (option == EngineChannelOption.TCP_KEEPIDLE) {
            keepIdleSeconds = positive(option, (Integer) value);
            changed();
        } else if (option == EngineChannelOption.TCP_KEEPINTVL) {
            keepIntervalSeconds = positive(option, (Integer) value);
            changed();
        } else if (option == EngineChannelOption.TCP_KEEPCNT) {
            keepCount = positive(option, (Integer) value);
            changed();
        } else if (option == EngineChannelOption.TCP_USER_TIMEOUT) {
            int v = (Integer) value;
            if (v < 0) {
                throw new IllegalArgumentException(option + " = " + v + "; allowed: >= 0 milliseconds (0 = off)");
            }
            userTimeoutMillis = v;
            changed();
        } else if (option == EngineChannelOption.CONGESTION_CONTROL) {
            congestionControl = CongestionAlgorithm.parse((String) value); // names the allowed values if unknown
            changed();
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    private static int positive(ChannelOption<?> option, int v) {
        if (v < 1) {
            throw new IllegalArgumentException(option + " = " + v + "; allowed: >= 1");
        }
        return v;
    }

    @Override
    public int getReceiveBufferSize() {
        return receiveBuffer;
    }

    @Override
    public EngineSocketChannelConfig setReceiveBufferSize(int size) {
        receiveBuffer = Math.min(TcpConfig.MAX_WINDOW, Math.max(MIN_BUFFER, size));
        changed();
        return this;
    }

    @Override
    public int getSendBufferSize() {
        return sendBuffer;
    }

    @Override
    public EngineSocketChannelConfig setSendBufferSize(int size) {
        sendBuffer = Math.max(MIN_BUFFER, size);
        changed();
        return this;
    }

    @Override
    public boolean isTcpNoDelay() {
        return noDelay;
    }

    @Override
    public EngineSocketChannelConfig setTcpNoDelay(boolean on) {
        noDelay = on;
        changed();
        return this;
    }

    @Override
    public boolean isKeepAlive() {
        return keepAlive;
    }

    @Override
    public EngineSocketChannelConfig setKeepAlive(boolean on) {
        keepAlive = on;
        changed();
        return this;
    }

    @Override
    public int getSoLinger() {
        return soLinger;
    }

    @Override
    public EngineSocketChannelConfig setSoLinger(int seconds) {
        soLinger = seconds;
        return this;
    }

    @Override
    public boolean isReuseAddress() {
        return reuseAddress;
    }

    @Override
    public EngineSocketChannelConfig setReuseAddress(boolean on) {
        reuseAddress = on;
        return this;
    }

    @Override
    public int getTrafficClass() {
        return trafficClass;
    }

    @Override
    public EngineSocketChannelConfig setTrafficClass(int tc) {
        trafficClass = tc; // kept for getOption; the engine sends TOS 0 (PacketCodec)
        return this;
    }

    @Override
    public EngineSocketChannelConfig setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        return this;
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public EngineSocketChannelConfig setAllowHalfClosure(boolean on) {
        allowHalfClosure = on;
        return this;
    }

    @Override
    protected void autoReadCleared() {
        channel.autoReadCleared();
    }

    @Override
    public EngineSocketChannelConfig setConnectTimeoutMillis(int connectTimeoutMillis) {
        super.setConnectTimeoutMillis(connectTimeoutMillis);
        return this;
    }

    @Override
    @Deprecated
    public EngineSocketChannelConfig setMaxMessagesPerRead(int maxMessagesPerRead) {
        super.setMaxMessagesPerRead(maxMessagesPerRead);
        return this;
    }

    @Override
    public EngineSocketChannelConfig setWriteSpinCount(int writeSpinCount) {
        super.setWriteSpinCount(writeSpinCount);
        return this;
    }

    @Override
    public EngineSocketChannelConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public EngineSocketChannelConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public EngineSocketChannelConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public EngineSocketChannelConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    @Deprecated
    public EngineSocketChannelConfig setWriteBufferHighWaterMark(int writeBufferHighWaterMark) {
        super.setWriteBufferHighWaterMark(writeBufferHighWaterMark);
        return this;
    }

    @Override
    @Deprecated
    public EngineSocketChannelConfig setWriteBufferLowWaterMark(int writeBufferLowWaterMark) {
        super.setWriteBufferLowWaterMark(writeBufferLowWaterMark);
        return this;
    }

    @Override
    public EngineSocketChannelConfig setWriteBufferWaterMark(WriteBufferWaterMark writeBufferWaterMark) {
        super.setWriteBufferWaterMark(writeBufferWaterMark);
        return this;
    }

    @Override
    public EngineSocketChannelConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }
}
