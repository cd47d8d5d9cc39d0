package org.nbstack.config;

/** Each NetBIOS session's own queue bounds and what a send into a full queue does. */
public record SessionQueueSettings(int inboundMaxMessages, long inboundMaxBytes, int outboundMaxMessages,
        long outboundMaxBytes, long memoryBudgetBytes, Overflow overflowPolicy) {

    /** What a send into a full outbound queue does. */
    public enum Overflow {
        /** Drop the new message, count it, keep the session. */
        DROP_NEWEST,
        /** Drop the new message and close that session. */
        CLOSE_SESSION
    }
}
