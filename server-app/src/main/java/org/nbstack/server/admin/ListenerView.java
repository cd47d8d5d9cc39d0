package org.nbstack.server.admin;

import java.util.List;

/**
 * One configured listener as status shows it.
 *
 * @param state   {@code running} or {@code skipped}
 * @param reason  why it was skipped, "" when running
 * @param address where it listens (the bound port when the configuration said 0)
 */
public record ListenerView(String name, String transport, String address, String link, String state, String reason,
        List<String> names) {

    public ListenerView {
        names = List.copyOf(names);
    }
}
