package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;

/** A fake node that sends every packet back where it came from, in the same buffer, addresses swapped. */
final class EchoNode implements SimNode {
    private final SimPacketOutput out;
    long echoed;

    EchoNode(SimPacketOutput out) {
        this.out = out;
    }

    @Override
    public void receive(long nowNanos, ByteBuf ipPacket) {
        int at = ipPacket.readerIndex();
        int src = ipPacket.getInt(at + 12);
        ipPacket.setInt(at + 12, ipPacket.getInt(at + 16));
        ipPacket.setInt(at + 16, src);
        echoed++;
        out.send(ipPacket);
    }

    @Override
    public void advance(long nowNanos) {
    }

    @Override
    public long nextDeadline() {
        return Long.MAX_VALUE;
    }
}
