package org.nbstack.netbios.testing;

import com.sun.management.GarbageCollectionNotificationInfo;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.management.ListenerNotFoundException;
import javax.management.Notification;
import javax.management.NotificationEmitter;
import javax.management.NotificationListener;
import javax.management.openmbean.CompositeData;

/**
 * Records the JVM's garbage collection pauses on the {@link System#nanoTime()} scale. A GC pause stops every
 * thread of the test JVM, clients included, so it says nothing about one session delaying another; latency
 * tests leave out the samples that overlap one.
 */
public final class GcPauses implements AutoCloseable {

    private static final long MARGIN_NANOS = 2_000_000; // GC times have millisecond resolution

    private final List<long[]> pauses = new CopyOnWriteArrayList<>();
    private final List<NotificationEmitter> emitters = new ArrayList<>();
    private final long uptimeOriginNanos;
    private final NotificationListener listener = this::onNotification;

    public GcPauses() {
        uptimeOriginNanos = System.nanoTime() - ManagementFactory.getRuntimeMXBean().getUptime() * 1_000_000;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            if (gc instanceof NotificationEmitter emitter) {
                emitter.addNotificationListener(listener, null, null);
                emitters.add(emitter);
            }
        }
    }

    private void onNotification(Notification notification, Object handback) {
        if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(notification.getType())) {
            return;
        }
        GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
        long start = uptimeOriginNanos + info.getGcInfo().getStartTime() * 1_000_000 - MARGIN_NANOS;
        long end = uptimeOriginNanos + info.getGcInfo().getEndTime() * 1_000_000 + MARGIN_NANOS;
        pauses.add(new long[] {start, end});
    }

    /** Whether a GC pause overlapped the interval [from, to] (nanoTime). */
    public boolean overlaps(long from, long to) {
        for (long[] pause : pauses) {
            if (pause[0] < to && pause[1] > from) {
                return true;
            }
        }
        return false;
    }

    public int count() {
        return pauses.size();
    }

    @Override
    public void close() {
        for (NotificationEmitter emitter : emitters) {
            try {
                emitter.removeNotificationListener(listener);
            } catch (ListenerNotFoundException ignored) {
                // already gone
            }
        }
    }
}
