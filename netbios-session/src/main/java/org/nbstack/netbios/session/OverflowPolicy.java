package org.nbstack.netbios.session;

/** What happens to a server-initiated message when its session's outbound queue or memory budget is full. */
public enum OverflowPolicy {
    /** Drop the new message and count it; the session goes on. */
    DROP_NEWEST,
    /** Drop the new message and close that session (its peer cannot keep up). */
    CLOSE_SESSION
}
