package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.util.function.LongSupplier;
import org.nbstack.tcp.stack.StackConfig;
import org.nbstack.tcp.stack.TcpStack;

/** An engine stack as a simulated host: the world's clock is the stack's clock. */
public final class StackNode implements SimNode {
    private final TcpStack stack;

    public StackNode(SimPacketOutput output, StackConfig config, ByteBufAllocator alloc, LongSupplier worldClock) {
        this.stack = new TcpStack(config, output::send, alloc, worldClock);
    }

    public TcpStack stack() {
        return stack;
    }

    @Override
    public void receive(long nowNanos, ByteBuf ipPacket) {
        stack.receive(ipPacket);
    }

    @Override
    public void advance(long nowNanos) {
        stack.runTimers();
    }

    @Override
    public long nextDeadline() {
        return stack.nextDeadline();
    }
}
