package org.nbstack.loadtest.runner;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The command line of {@code bin/loadtest}: a command, a simulation and options.
 *
 * @param server  {@code auto} (bin/nbstack serve when present, else in-JVM), {@code in-jvm} or {@code serve}
 * @param summary where {@code run} writes its {@link org.nbstack.loadtest.report.RunSummary}, if anywhere
 */
record RunOptions(String command, String simulation, String transport, String candidate, String baseline,
        Optional<String> duration, String server, Optional<Path> summary) {

    static final String USAGE = """
            usage: bin/loadtest <simulation> [--transport T] [--duration D] [--server auto|in-jvm|serve] [-Dnbstack.loadtest.KEY=VALUE ...]
                   bin/loadtest compare <simulation> [--candidate T] [--baseline T] [--duration D] [--server ...]
                   bin/loadtest short-forms [--transport T]     (every simulation's short form, as bin/test runs them)
                   bin/loadtest list
            simulations: steady-echo, connection-churn, failing-clients, reconnect-storm
            transports:  nio, epoll, engine-udp, engine-tun (compare: candidate engine-udp, baseline nio)""";

    static RunOptions parse(String[] args) {
        List<String> rest = new ArrayList<>(List.of(args));
        if (rest.isEmpty()) {
            throw new IllegalArgumentException("no simulation given");
        }
        String command = switch (rest.getFirst()) {
            case "compare", "list", "run", "short-forms" -> rest.removeFirst();
            default -> "run";
        };
        String simulation = command.equals("list") || command.equals("short-forms") ? "" : take(rest, "a simulation name");
        String transport = "nio";
        String candidate = "engine-udp";
        String baseline = "nio";
        Optional<String> duration = Optional.empty();
        String server = "auto";
        Optional<Path> summary = Optional.empty();
        while (!rest.isEmpty()) {
            String option = rest.removeFirst();
            switch (option) {
                case "--transport" -> transport = take(rest, "--transport");
                case "--candidate" -> candidate = take(rest, "--candidate");
                case "--baseline" -> baseline = take(rest, "--baseline");
                case "--duration" -> duration = Optional.of(take(rest, "--duration"));
                case "--server" -> server = take(rest, "--server");
                case "--summary" -> summary = Optional.of(Path.of(take(rest, "--summary")));
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (!List.of("auto", "in-jvm", "serve").contains(server)) {
            throw new IllegalArgumentException("--server must be auto, in-jvm or serve, was '" + server + "'");
        }
        return new RunOptions(command, simulation, transport, candidate, baseline, duration, server, summary);
    }

    private static String take(List<String> rest, String what) {
        if (rest.isEmpty() || rest.getFirst().startsWith("--")) {
            throw new IllegalArgumentException(what + " needs a value");
        }
        return rest.removeFirst();
    }
}
