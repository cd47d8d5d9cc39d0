package org.nbstack.testing;

import io.netty.util.ResourceLeakDetector;

/**
 * Netty leak detector that records every leak it finds, so that {@link LeakCheckExtension} can fail
 * the test that leaked. Installed for every test JVM through {@code -Dio.netty.customResourceLeakDetector}.
 */
public final class FailingLeakDetector<T> extends ResourceLeakDetector<T> {

    public FailingLeakDetector(Class<?> resourceType, int samplingInterval) {
        super(resourceType, samplingInterval);
    }

    public FailingLeakDetector(Class<?> resourceType, int samplingInterval, long maxActive) {
        this(resourceType, samplingInterval);
    }

    @Override
    protected boolean needReport() {
        return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
        LeakRecords.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected." + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
        LeakRecords.add("LEAK: " + resourceType + ".release() was not called before it was garbage-collected.");
    }
}
