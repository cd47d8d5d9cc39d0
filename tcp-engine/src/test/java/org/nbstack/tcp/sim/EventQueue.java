package org.nbstack.tcp.sim;

import java.util.Arrays;
import java.util.function.ObjIntConsumer;

/**
 * Binary min-heap of events ordered by (virtual time, insertion sequence), so events at the same instant
 * run in the order they were scheduled. Stored in parallel primitive arrays: pushing and popping a packet
 * allocates nothing once the arrays have grown to the peak number of events in flight.
 */
final class EventQueue {
    private long[] times = new long[64];
    private long[] seqs = new long[64];
    private Object[] items = new Object[64];
    private int[] targets = new int[64];
    private int size;
    private long nextSeq;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Time of the earliest event, {@link Long#MAX_VALUE} when empty. */
    long peekTime() {
        return size == 0 ? Long.MAX_VALUE : times[0];
    }

    Object peekItem() {
        return items[0];
    }

    int peekTarget() {
        return targets[0];
    }

    void push(long time, Object item, int target) {
        if (size == times.length) {
            grow();
        }
        long seq = nextSeq++;
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (!before(time, seq, times[parent], seqs[parent])) {
                break;
            }
            move(parent, i);
            i = parent;
        }
        set(i, time, seq, item, target);
    }

    void removeHead() {
        int last = --size;
        long time = times[last];
        long seq = seqs[last];
        Object item = items[last];
        int target = targets[last];
        items[last] = null;
        if (last == 0) {
            return;
        }
        int i = 0;
        int half = last >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            int right = child + 1;
            if (right < last && before(times[right], seqs[right], times[child], seqs[child])) {
                child = right;
            }
            if (!before(times[child], seqs[child], time, seq)) {
                break;
            }
            move(child, i);
            i = child;
        }
        set(i, time, seq, item, target);
    }

    /** Removes every event, handing each item and target to {@code sink} in no particular order. */
    void clear(ObjIntConsumer<Object> sink) {
        for (int i = 0; i < size; i++) {
            Object item = items[i];
            items[i] = null;
            sink.accept(item, targets[i]);
        }
        size = 0;
    }

    private static boolean before(long t1, long s1, long t2, long s2) {
        return t1 < t2 || t1 == t2 && s1 < s2;
    }

    private void move(int from, int to) {
        times[to] = times[from];
        seqs[to] = seqs[from];
        items[to] = items[from];
        targets[to] = targets[from];
    }

    private void set(int i, long time, long seq, Object item, int target) {
        times[i] = time;
        seqs[i] = seq;
        items[i] = item;
        targets[i] = target;
    }

    private void grow() {
        int n = times.length * 2;
        times = Arrays.copyOf(times, n);
        seqs = Arrays.copyOf(seqs, n);
        items = Arrays.copyOf(items, n);
        targets = Arrays.copyOf(targets, n);
    }
}
