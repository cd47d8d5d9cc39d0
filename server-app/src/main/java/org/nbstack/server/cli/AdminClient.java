package org.nbstack.server.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Asks a running server's admin endpoint; failures become one line saying what to check. */
final class AdminClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final String address;

    AdminClient(String address) {
        this.address = address;
    }

    /** The view of {@code path} ({@code /status}, ...): its JSON as served, or the text table. */
    String view(String path, boolean json) throws AdminUnreachableException {
        HttpClient client = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        try (client) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + path + (json ? "" : "?format=text"))).timeout(TIMEOUT).GET().build();
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new AdminUnreachableException("the admin endpoint at " + address + " answered " + response.statusCode()
                        + " for " + path + ": " + response.body().strip());
            }
            return response.body();
        } catch (IOException e) {
            throw new AdminUnreachableException("cannot reach the admin endpoint at " + address + " (" + e.getClass().getSimpleName()
                    + "); is 'nbstack serve' running? give its address with --admin HOST:PORT or nbstack.admin.bind");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AdminUnreachableException("interrupted");
        }
    }

    static final class AdminUnreachableException extends Exception {
        AdminUnreachableException(String message) {
            super(message, null, false, false);
        }
    }
}
