package org.nbstack.tcp.sim;

/**
 * The transmit queue of a bandwidth-limited link, modelled without events: it remembers when each
 * queued packet finishes serialization, forgets the ones finished by now, and answers when a new packet
 * would leave, or that the queue is full. Packets leave in the order they entered.
 */
final class DepartureQueue {
    private long[] finishTimes = new long[16];
    private int head;
    private int size;
    private long busyUntil;

    /**
     * Admits a packet of {@code bytes} at {@code now}: returns the virtual time its last bit leaves the
     * sender, or -1 when {@code limit} packets are already queued (drop-tail).
     */
    long admit(long now, int bytes, long bytesPerSecond, int limit) {
        while (size > 0 && finishTimes[head] <= now) {
            head = (head + 1) & (finishTimes.length - 1);
            size--;
        }
        if (size >= limit) {
            return -1;
        }
        // Rounded up so that a busy link never carries more than its rate.
        long serialization = ((long) bytes * 1_000_000_000L + bytesPerSecond - 1) / bytesPerSecond;
        long finish = Math.max(now, busyUntil) + serialization;
        busyUntil = finish;
        if (size == finishTimes.length) {
            grow();
        }
        finishTimes[(head + size) & (finishTimes.length - 1)] = finish;
        size++;
        return finish;
    }

    private void grow() {
        long[] bigger = new long[finishTimes.length * 2];
        for (int i = 0; i < size; i++) {
            bigger[i] = finishTimes[(head + i) & (finishTimes.length - 1)];
        }
        finishTimes = bigger;
        head = 0;
    }

    int queued() {
        return size;
    }
}
