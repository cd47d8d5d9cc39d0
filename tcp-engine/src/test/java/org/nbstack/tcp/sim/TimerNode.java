package org.nbstack.tcp.sim;

import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A fake node with timers: tests arm and cancel them; it records when advance ran and which timers fired,
 * and may arm a timer a fixed time after each packet it receives.
 */
class TimerNode implements SimNode {
    final SimPacketOutput out;
    final TreeSet<Long> timers = new TreeSet<>();
    final List<Long> advancedAt = new ArrayList<>();
    final List<Long> fired = new ArrayList<>();
    final List<Long> receivedAt = new ArrayList<>();
    long armAfterReceive = -1;

    TimerNode(SimPacketOutput out) {
        this.out = out;
    }

    void arm(long at) {
        timers.add(at);
    }

    void cancel(long at) {
        timers.remove(at);
    }

    @Override
    public void receive(long nowNanos, ByteBuf ipPacket) {
        ipPacket.release();
        receivedAt.add(nowNanos);
        if (armAfterReceive >= 0) {
            arm(nowNanos + armAfterReceive);
        }
    }

    @Override
    public void advance(long nowNanos) {
        advancedAt.add(nowNanos);
        while (!timers.isEmpty() && timers.first() <= nowNanos) {
            fired.add(timers.pollFirst());
        }
    }

    @Override
    public long nextDeadline() {
        return timers.isEmpty() ? Long.MAX_VALUE : timers.first();
    }
}
