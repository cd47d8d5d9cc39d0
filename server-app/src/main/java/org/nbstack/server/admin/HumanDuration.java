package org.nbstack.server.admin;

import java.time.Duration;

/** The server's name for {@link org.nbstack.spi.log.HumanDuration}, which the NetBIOS layer's log lines use too. */
public final class HumanDuration {

    private HumanDuration() {
    }

    public static String format(Duration d) {
        return org.nbstack.spi.log.HumanDuration.format(d);
    }
}
