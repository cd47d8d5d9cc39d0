package org.nbstack.spi;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The registry of transports: finds {@link TransportProvider}s with {@link ServiceLoader} and hands out
 * the one asked for by name, or one clear error that lists what is available and why the rest is not.
 */
public final class Transports {

    private Transports() {
    }

    /** The transport called {@code name}, without options. */
    public static Transport named(String name) {
        return named(name, TransportOptions.empty());
    }

    /**
     * The transport called {@code name}, configured by {@code options}.
     *
     * @throws TransportUnavailableException if no provider has that name or the transport cannot run here
     */
    public static Transport named(String name, TransportOptions options) {
        return named(name, options, providers(Transports.class.getClassLoader()));
    }

    /** Lookup among {@code providers} (keyed by lower-case name); the seam for tests. */
    static Transport named(String name, TransportOptions options, Map<String, TransportProvider> providers) {
        String wanted = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        TransportProvider provider = providers.get(wanted);
        if (provider == null) {
            throw new TransportUnavailableException(name, "Unknown transport '" + name + "'. "
                    + describe(providers, options));
        }
        Transport transport = provider.create(options);
        Availability availability = transport.availability();
        if (!availability.isAvailable()) {
            throw new TransportUnavailableException(name, "Transport '" + wanted + "' is not available here: "
                    + availability.reason() + ". " + describe(providers, options));
        }
        return transport;
    }

    /** Every registered transport's name with its availability here, sorted by name. */
    public static Map<String, Availability> availability() {
        Map<String, Availability> result = new TreeMap<>();
        providers(Transports.class.getClassLoader()).forEach((name, provider) ->
                result.put(name, availabilityOf(provider, TransportOptions.empty())));
        return Collections.unmodifiableMap(result);
    }

    /** The names of the transports that can run here, sorted. */
    public static List<String> availableNames() {
        List<String> names = new ArrayList<>();
        availability().forEach((name, availability) -> {
            if (availability.isAvailable()) {
                names.add(name);
            }
        });
        return List.copyOf(names);
    }

    private static Map<String, TransportProvider> providers(ClassLoader loader) {
        Map<String, TransportProvider> byName = new TreeMap<>();
        for (TransportProvider provider : ServiceLoader.load(TransportProvider.class, loader)) {
            byName.putIfAbsent(provider.name().toLowerCase(Locale.ROOT), provider);
        }
        return byName;
    }

    private static Availability availabilityOf(TransportProvider provider, TransportOptions options) {
        try {
            return provider.create(options).availability();
        } catch (RuntimeException e) {
            return Availability.unavailable("its provider failed to create it", e);
        }
    }

    private static String describe(Map<String, TransportProvider> providers, TransportOptions options) {
        List<String> available = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        providers.forEach((name, provider) -> {
            Availability availability = availabilityOf(provider, options);
            if (availability.isAvailable()) {
                available.add(name);
            } else {
                unavailable.add(name + " (" + availability.reason() + ")");
            }
        });
        String text = "Available transports: " + (available.isEmpty() ? "none" : String.join(", ", available));
        if (!unavailable.isEmpty()) {
            text += "; unavailable: " + unavailable.stream().collect(Collectors.joining("; "));
        }
        return text + ".";
    }
}
