package org.nbstack.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

/** The build's promise: a test that leaks a ByteBuf fails, and one that releases its buffers passes. */
class LeakCheckExtensionTest {

    @Test
    void aTestThatLeaksAByteBufFails() {
        Events events = run(LeakingSample.class);
        events.assertStatistics(stats -> stats.failed(1));
        Throwable failure = events.failed().stream().findFirst().orElseThrow()
                .getPayload(org.junit.platform.engine.TestExecutionResult.class).orElseThrow()
                .getThrowable().orElseThrow();
        assertThat(failure).hasMessageContaining("ByteBuf leak(s) detected").hasMessageContaining("LEAK:");
    }

    @Test
    void aTestThatReleasesItsBuffersPasses() {
        run(ReleasingSample.class).assertStatistics(stats -> stats.succeeded(1).failed(0));
    }

    private static Events run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter")
                .configurationParameter("junit.jupiter.extensions.autodetection.enabled", "true")
                .selectors(selectClass(sample))
                .execute()
                .testEvents();
    }

    static class LeakingSample {
        @Test
        void leaks() {
            allocateAndForget();
        }

        private static void allocateAndForget() {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
            buf.writeLong(42); // dropped without release()
        }
    }

    static class ReleasingSample {
        @Test
        void releases() {
            ByteBuf buf = PooledByteBufAllocator.DEFAULT.directBuffer(64);
            buf.writeLong(42);
            buf.release();
        }
    }
}
