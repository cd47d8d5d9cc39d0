package org.nbstack.netbios.server;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.nbstack.netbios.name.NetbiosName;

/**
 * The NetBIOS names this server holds and the listens on each. A name can be registered with no listen
 * (callers then get NEGATIVE 0x80). Safe to change while the server runs.
 */
public final class ListenerRegistry {

    /** A handle on one listen; closing it stops the listen but leaves the name registered. */
    public interface Listening extends AutoCloseable {
        @Override
        void close();
    }

    private final Map<String, List<NameListener>> names = new ConcurrentHashMap<>();

    /** Registers {@code name} without listening on it. */
    public void registerName(NetbiosName name) {
        names.computeIfAbsent(name.key(), k -> new CopyOnWriteArrayList<>());
    }

    /** Registers the listener's name if needed and listens. Listens are tried in the order they were added. */
    public Listening listen(NameListener listener) {
        Objects.requireNonNull(listener, "listener");
        List<NameListener> listens = names.computeIfAbsent(listener.name().key(), k -> new CopyOnWriteArrayList<>());
        listens.add(listener);
        return () -> listens.remove(listener);
    }

    /** Forgets {@code name} and its listens; callers then get NEGATIVE 0x82. */
    public void unregister(NetbiosName name) {
        names.remove(name.key());
    }

    public boolean isRegistered(NetbiosName name) {
        return names.containsKey(name.key());
    }

    /** The listens on {@code name}, or null when the name is not registered. */
    List<NameListener> listeners(NetbiosName name) {
        return names.get(name.key());
    }
}
