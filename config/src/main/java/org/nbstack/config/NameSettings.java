package org.nbstack.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A NetBIOS name the server holds and the handler that serves sessions called to it.
 *
 * @param key            the key under {@code nbstack.netbios.names}
 * @param name           the NetBIOS name (up to 15 characters; the key upper-cased unless {@code name} is set)
 * @param suffix         the 16th octet, 0..255 (0x20: server service)
 * @param scope          NetBIOS scope, "" for none
 * @param handler        the session handler factory's name: {@code echo}, {@code discard}, {@code chargen}, ...
 * @param handlerOptions options handed to the factory as they are
 * @param maxSessions    sessions on this name at once; 0 = only the server's limit
 * @param allowedCallers calling names allowed; empty = anyone
 * @param retarget       answer every request with a RETARGET to this address instead of serving it
 */
public record NameSettings(String key, String name, int suffix, String scope, String handler, Map<String, String> handlerOptions,
        int maxSessions, List<String> allowedCallers, Optional<HostPort> retarget) {

    public NameSettings {
        handlerOptions = Map.copyOf(handlerOptions);
        allowedCallers = List.copyOf(allowedCallers);
    }
}
