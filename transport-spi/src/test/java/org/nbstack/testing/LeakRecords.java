package org.nbstack.testing;

import java.util.ArrayList;
import java.util.List;

/** Leaks reported by {@link FailingLeakDetector} and not yet claimed by a test. */
public final class LeakRecords {
    private static final List<String> LEAKS = new ArrayList<>();
    private static boolean canarySeen;

    private LeakRecords() {
    }

    static synchronized void add(String leak) {
        if (leak.contains(LeakCheckExtension.CANARY)) {
            canarySeen = true;
        } else {
            LEAKS.add(leak);
        }
    }

    static synchronized boolean canarySeen() {
        return canarySeen;
    }

    static synchronized void resetCanary() {
        canarySeen = false;
    }

    /** Returns and forgets every leak recorded so far. */
    public static synchronized List<String> drain() {
        List<String> copy = List.copyOf(LEAKS);
        LEAKS.clear();
        return copy;
    }
}
