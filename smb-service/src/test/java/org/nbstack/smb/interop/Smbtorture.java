package org.nbstack.smb.interop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs Samba's smbtorture (Debian package samba-testsuite) and reads its subunit output: which sub-tests passed, failed,
 * were skipped, or never finished because smbtorture crashed or hung. A crash or hang ends only the sub-test it was in:
 * the sub-tests after it run again in a new smbtorture process, so one bad sub-test cannot hide the others' results.
 */
final class Smbtorture {

    enum Outcome {
        SUCCESS, FAILURE, SKIP, CRASHED, HUNG;

        boolean failed() {
            return this == FAILURE || this == CRASHED || this == HUNG;
        }
    }

    /** What one sub-test came to, and smbtorture's words for it (its failure message, or the tail of its output). */
    record Result(Outcome outcome, String detail) {
    }

    private Smbtorture() {
    }

    static void require() {
        try {
            Process p = new ProcessBuilder("smbtorture", "--version").redirectErrorStream(true).start();
            if (p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0) {
                return;
            }
        } catch (IOException | InterruptedException notThere) {
            // below
        }
        Assumptions.abort("smbtorture is not installed (Debian: apt-get install samba-testsuite)");
    }

    /**
     * The sub-tests of {@code suite} as smbtorture names them in results with {@code --fullname}. {@code --list} prints a
     * test case and its one test each ({@code smb2.read.eof.eof}); the result is named by the case ({@code smb2.read.eof}).
     */
    static List<String> list(String suite) throws Exception {
        Process p = new ProcessBuilder("smbtorture", "//list/only", suite, "--list").redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("smbtorture --list " + suite + " did not finish");
        }
        List<String> names = new ArrayList<>();
        for (String line : out.lines().toList()) {
            if (!line.startsWith(suite + ".")) {
                continue;
            }
            int dot = line.lastIndexOf('.');
            String last = line.substring(dot + 1);
            String name = line.substring(0, dot).endsWith("." + last) ? line.substring(0, dot) : line;
            if (!names.contains(name)) {
                names.add(name);
            }
        }
        if (names.isEmpty()) {
            throw new AssertionError("smbtorture lists no sub-test of " + suite + ":\n" + out);
        }
        return names;
    }

    /**
     * Runs {@code names} with {@code command} (smbtorture and its connection arguments, after a namespace prefix if
     * any), within {@code budget} in all; every name gets a result. {@code log} receives every run's output.
     */
    static Map<String, Result> run(List<String> command, List<String> names, Duration budget, Path log) throws Exception {
        Map<String, Result> results = new LinkedHashMap<>();
        long deadline = System.nanoTime() + budget.toNanos();
        List<String> remaining = new ArrayList<>(names);
        while (!remaining.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                for (String name : remaining) {
                    results.put(name, new Result(Outcome.HUNG, "not run: the suite's time budget of " + budget.toSeconds() + " s ran out"));
                }
                break;
            }
            List<String> argv = new ArrayList<>(command);
            argv.addAll(remaining);
            Path out = Files.createTempFile("smbtorture", ".log");
            Process p = new ProcessBuilder(argv).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            p.getOutputStream().close();
            boolean finished = p.waitFor(left, TimeUnit.NANOSECONDS);
            if (!finished) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
            String output = Files.readString(out, StandardCharsets.ISO_8859_1);
            Files.deleteIfExists(out);
            Files.writeString(log, "$ " + String.join(" ", argv) + "\n" + output + "\n", StandardCharsets.ISO_8859_1,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            String unfinished = parse(output, results);
            if (unfinished != null && !results.containsKey(unfinished)) {
                String tail = output.substring(Math.max(0, output.length() - 1500));
                results.put(unfinished, finished
                        ? new Result(Outcome.CRASHED, "smbtorture exited with " + p.exitValue() + " inside it:\n" + tail)
                        : new Result(Outcome.HUNG, "no result within the suite's budget of " + budget.toSeconds() + " s:\n" + tail));
            }
            int before = remaining.size();
            remaining.removeIf(results::containsKey);
            if (remaining.size() == before) { // smbtorture started none of them: report instead of looping
                String tail = output.substring(Math.max(0, output.length() - 1500));
                for (String name : remaining) {
                    results.put(name, new Result(Outcome.CRASHED, "smbtorture ran none of the remaining sub-tests:\n" + tail));
                }
                break;
            }
        }
        return results;
    }

    /**
     * Records the results in {@code output} (subunit v1: {@code test: NAME}, then {@code success:}, {@code failure:},
     * {@code error:}, {@code skip:}, {@code xfail:} or {@code uxsuccess:} with the name, details between {@code [} and
     * {@code ]}); returns the name of a test that started and never got a result, or null.
     */
    static String parse(String output, Map<String, Result> results) {
        String started = null;
        String detailFor = null;
        Outcome detailOutcome = null;
        StringBuilder detail = new StringBuilder();
        for (String line : output.lines().toList()) {
            if (detailFor != null) {
                if (line.equals("]")) {
                    results.put(detailFor, new Result(detailOutcome, detail.toString().strip()));
                    detailFor = null;
                } else {
                    detail.append(line).append('\n');
                }
                continue;
            }
            if (line.startsWith("test: ")) {
                started = line.substring(6).strip();
                continue;
            }
            int colon = line.indexOf(": ");
            if (colon < 0) {
                continue;
            }
            Outcome outcome = switch (line.substring(0, colon)) {
                case "success", "successful", "xfail" -> Outcome.SUCCESS;
                case "failure", "fail", "error", "uxsuccess" -> Outcome.FAILURE;
                case "skip" -> Outcome.SKIP;
                default -> null;
            };
            if (outcome == null) {
                continue;
            }
            String name = line.substring(colon + 2);
            boolean bracket = name.endsWith(" [");
            name = (bracket ? name.substring(0, name.length() - 2) : name).strip();
            if (name.equals(started)) {
                started = null;
            }
            if (bracket) {
                detailFor = name;
                detailOutcome = outcome;
                detail.setLength(0);
            } else {
                results.put(name, new Result(outcome, ""));
            }
        }
        if (detailFor != null) {
            results.put(detailFor, new Result(detailOutcome, detail.toString().strip()));
        }
        return started;
    }
}
