package org.nbstack.tcp.core.script;

import org.junit.jupiter.api.AfterEach;

/** The shared fixture of the segment-script tests: each test builds its script in {@link #s}, released after it. */
abstract class ScriptFixture {
    /** The script under test, from {@link Script#given}; its buffers are released after the test, pass or fail. */
    protected Script s;

    @AfterEach
    void releaseScript() {
        if (s != null) {
            s.release();
        }
    }
}
