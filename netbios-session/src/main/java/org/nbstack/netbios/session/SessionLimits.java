package org.nbstack.netbios.session;

import java.util.Objects;

/**
 * Per-session bounds. Each session owns its queues; nothing here is shared between sessions.
 *
 * @param inboundMaxMessages  received messages held for the handler before reading stops
 * @param inboundMaxBytes     received payload octets held before reading stops
 * @param outboundMaxMessages messages accepted for sending and not yet handed to TCP
 * @param outboundMaxBytes    payload octets accepted for sending and not yet handed to TCP
 * @param memoryBudgetBytes   inbound plus outbound payload octets this session may hold at once
 * @param overflowPolicy      what a send into a full outbound queue does
 */
public record SessionLimits(int inboundMaxMessages, long inboundMaxBytes, int outboundMaxMessages,
        long outboundMaxBytes, long memoryBudgetBytes, OverflowPolicy overflowPolicy) {

    public static final SessionLimits DEFAULT =
            new SessionLimits(64, 256 * 1024, 128, 512 * 1024, 768 * 1024, OverflowPolicy.DROP_NEWEST);

    public SessionLimits {
        Objects.requireNonNull(overflowPolicy, "overflowPolicy");
        positive("inbound-max-messages", inboundMaxMessages);
        positive("inbound-max-bytes", inboundMaxBytes);
        positive("outbound-max-messages", outboundMaxMessages);
        positive("outbound-max-bytes", outboundMaxBytes);
        if (memoryBudgetBytes < Math.max(inboundMaxBytes, outboundMaxBytes)) {
            throw new IllegalArgumentException("memory-budget-bytes (" + memoryBudgetBytes
                    + ") must be at least the larger of inbound-max-bytes and outbound-max-bytes ("
                    + Math.max(inboundMaxBytes, outboundMaxBytes) + ")");
        }
    }

    public SessionLimits withOverflowPolicy(OverflowPolicy policy) {
        return new SessionLimits(inboundMaxMessages, inboundMaxBytes, outboundMaxMessages, outboundMaxBytes,
                memoryBudgetBytes, policy);
    }

    private static void positive(String name, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be positive, was " + value);
        }
    }
}
