package org.nbstack.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test that leaked a ByteBuf. Registered for every test class through JUnit's extension
 * auto-detection. After each test it drops a marked canary buffer and collects garbage until Netty's
 * detector has reported the canary: a leak from the test became unreachable before the canary did,
 * so by then it has been reported too. The test then fails with the leak's access records.
 */
public final class LeakCheckExtension implements AfterEachCallback {
    static final String CANARY = "nbstack-leak-canary-";
    private static final UnpooledByteBufAllocator PROBE = new UnpooledByteBufAllocator(true, false);
    private static final AtomicLong CANARY_IDS = new AtomicLong();
    private static final int MAX_ROUNDS = 40;

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (ResourceLeakDetector.getLevel() != ResourceLeakDetector.Level.PARANOID) {
            return;
        }
        dropCanary();
        for (int round = 0; round < MAX_ROUNDS && !LeakRecords.canarySeen(); round++) {
            System.gc();
            Thread.sleep(round < 3 ? 1 : 10);
            pollDetector();
        }
        pollDetector();
        List<String> leaks = LeakRecords.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " ByteBuf leak(s) detected during "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }

    private static void dropCanary() {
        LeakRecords.resetCanary();
        ByteBuf canary = PROBE.directBuffer(1);
        // A unique hint, because the detector reports each distinct record only once.
        canary.touch(CANARY + CANARY_IDS.incrementAndGet());
    }

    /** Netty's detector drains its reference queue when it tracks a new allocation (direct buffers are tracked). */
    private static void pollDetector() {
        PROBE.directBuffer(1).release();
    }
}
