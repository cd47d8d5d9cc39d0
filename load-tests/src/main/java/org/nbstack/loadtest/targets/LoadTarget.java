package org.nbstack.loadtest.targets;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.nbstack.spi.TransportOptions;
import org.nbstack.spi.TransportUnavailableException;
import org.nbstack.spi.Transports;

/**
 * Where a load test sends its load: the server's transport and options, the load generator's transport and
 * options, and the address the server listens on.
 *
 * @param name            the profile name it was chosen by ({@code nio}, {@code epoll}, {@code engine-udp}, {@code engine-tun})
 * @param serverTransport transport name of the server under test
 * @param serverOptions   options of the server's transport (the engine's addresses and link)
 * @param clientTransport transport name of the load generator's NetBIOS clients
 * @param clientOptions   options of the clients' transport
 * @param serverHost      the IPv4 address the server listens on and the clients call
 * @param needsNamespace  whether the profile must run inside a network namespace of its own (TUN)
 */
public record LoadTarget(String name, String serverTransport, TransportOptions serverOptions, String clientTransport,
        TransportOptions clientOptions, String serverHost, boolean needsNamespace) {

    private static final Set<String> KERNEL_TRANSPORTS = Set.of("nio", "epoll");

    public LoadTarget {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(serverOptions, "serverOptions");
        Objects.requireNonNull(clientOptions, "clientOptions");
        // The kernel would route any other address off this machine; only the engine's own (virtual) addresses,
        // carried in UDP datagrams to 127.0.0.1, or a namespace made for the run may be called instead.
        if (KERNEL_TRANSPORTS.contains(clientTransport) && !needsNamespace && !isLoopback(serverHost)) {
            throw new IllegalArgumentException("load target '" + name + "': kernel clients may only call 127.0.0.0/8, not " + serverHost);
        }
    }

    /** Whether the server runs on the kernel's TCP (and so is the baseline of a comparison). */
    public boolean isKernel() {
        return KERNEL_TRANSPORTS.contains(serverTransport);
    }

    /** Empty when this target can run here; otherwise one sentence saying why not and what would make it run. */
    public Optional<String> unavailableReason() {
        Optional<String> server = transportProblem(serverTransport, serverOptions);
        if (server.isPresent()) {
            return server;
        }
        Optional<String> client = transportProblem(clientTransport, clientOptions);
        if (client.isPresent()) {
            return client;
        }
        if (needsNamespace) {
            return NetworkNamespace.unavailableReason(name);
        }
        return Optional.empty();
    }

    private Optional<String> transportProblem(String transport, TransportOptions options) {
        try {
            Transports.named(transport, options);
            return Optional.empty();
        } catch (TransportUnavailableException e) {
            return Optional.of("load target '" + name + "' cannot run here: " + e.getMessage());
        }
    }

    /** A copy whose server and client options are overridden by {@code nbstack.loadtest.server.*} / {@code nbstack.loadtest.client.*}. */
    public LoadTarget withOverrides(Map<String, String> properties) {
        return new LoadTarget(name, serverTransport, override(serverOptions, properties, "nbstack.loadtest.server."), clientTransport,
                override(clientOptions, properties, "nbstack.loadtest.client."), serverHost, needsNamespace);
    }

    private static TransportOptions override(TransportOptions options, Map<String, String> properties, String prefix) {
        Map<String, String> merged = new TreeMap<>(options.asMap());
        properties.forEach((key, value) -> {
            if (key.startsWith(prefix) && !key.equals(prefix + "address")) {
                merged.put(key.substring(prefix.length()), value);
            }
        });
        return TransportOptions.of(merged);
    }

    private static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return name + " (server " + serverTransport + (serverOptions.isEmpty() ? "" : " " + serverOptions) + ", clients "
                + clientTransport + (clientOptions.isEmpty() ? "" : " " + clientOptions) + ", " + serverHost + ")";
    }
}
