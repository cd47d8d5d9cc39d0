package org.nbstack.netbios.session;

/** What became of a message handed to {@link NetbiosSession#send(io.netty.buffer.ByteBuf)}. */
public enum SendResult {
    /** Queued; it will be written unless the session ends first. */
    QUEUED,
    /** Dropped, counted, because this session's queue or memory budget was full ({@link OverflowPolicy#DROP_NEWEST}). */
    DROPPED_QUEUE_FULL,
    /** Dropped because this session's queue was full, and the session is being closed ({@link OverflowPolicy#CLOSE_SESSION}). */
    SESSION_CLOSED_BY_POLICY,
    /** Dropped because it is longer than the maximum message size. */
    DROPPED_TOO_LARGE,
    /** Dropped because the session has already ended. */
    SESSION_CLOSED
}
