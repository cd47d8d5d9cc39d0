package org.nbstack.tcp.netty;

import io.netty.channel.IoEventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.concurrent.EventExecutorChooserFactory;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;

/** The {@code engine} transport's event loop group: {@link EngineEventLoop}s over the given I/O handler. */
public final class EngineEventLoopGroup extends MultiThreadIoEventLoopGroup {

    public EngineEventLoopGroup(int threads, ThreadFactory threadFactory, IoHandlerFactory ioHandlerFactory) {
        super(threads, threadFactory, ioHandlerFactory);
    }

    /** With a chooser of its own, e.g. Netty's auto-scaling one. */
    public EngineEventLoopGroup(int threads, Executor executor, EventExecutorChooserFactory chooserFactory,
            IoHandlerFactory ioHandlerFactory) {
        super(threads, executor, ioHandlerFactory, chooserFactory);
    }

    @Override
    protected IoEventLoop newChild(Executor executor, IoHandlerFactory ioHandlerFactory, Object... args) {
        return new EngineEventLoop(this, executor, ioHandlerFactory);
    }
}
