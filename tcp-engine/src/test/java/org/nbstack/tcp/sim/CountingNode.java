package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/** A fake node that records what arrives (time, packet id, optionally the bytes) and releases it. */
class CountingNode implements SimNode {
    final SimPacketOutput out;
    final List<Long> ids = new ArrayList<>();
    final List<Long> times = new ArrayList<>();
    final List<byte[]> contents = new ArrayList<>();
    private boolean keepContents;

    CountingNode(SimPacketOutput out) {
        this.out = out;
    }

    CountingNode keepingContents() {
        keepContents = true;
        return this;
    }

    void send(ByteBuf packet) {
        out.send(packet);
    }

    int received() {
        return ids.size();
    }

    @Override
    public void receive(long nowNanos, ByteBuf ipPacket) {
        try {
            times.add(nowNanos);
            ids.add(RawPacket.id(ipPacket));
            if (keepContents) {
                byte[] bytes = new byte[ipPacket.readableBytes()];
                ipPacket.getBytes(ipPacket.readerIndex(), bytes);
                contents.add(bytes);
            }
        } finally {
            ipPacket.release();
        }
    }

    @Override
    public void advance(long nowNanos) {
    }

    @Override
    public long nextDeadline() {
        return Long.MAX_VALUE;
    }
}
