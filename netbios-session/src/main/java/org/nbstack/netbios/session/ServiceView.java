package org.nbstack.netbios.session;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the service on a session tells the admin views about it, e.g. an SMB service its user, dialect, trees and open
 * files. The session layer only carries it: {@code details} are ordered name/value pairs whose values are strings,
 * numbers or lists of strings, shown as they are.
 *
 * @param service a short name of the service ({@code smb})
 * @param details the service's view of the session, in the order the admin views show it
 */
public record ServiceView(String service, Map<String, Object> details) {

    public ServiceView {
        Objects.requireNonNull(service, "service");
        Map<String, Object> copy = new LinkedHashMap<>();
        details.forEach((name, value) -> copy.put(name,
                value instanceof List<?> list ? List.copyOf(list) : Objects.requireNonNull(value, name)));
        details = Collections.unmodifiableMap(copy);
    }
}
