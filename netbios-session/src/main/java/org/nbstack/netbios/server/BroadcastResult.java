package org.nbstack.netbios.server;

/** What became of one message sent to every session of a name. Each session's outcome affected only that session. */
public record BroadcastResult(int queued, int dropped, int closed) {

    public int sessions() {
        return queued + dropped + closed;
    }
}
