package org.nbstack.tcp.interop;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Linux kernel's TCP as the engine's peer: kernel_peer.py (a plain socket program) run inside the
 * test's namespace. Its JSON lines are collected as they come; stderr is kept for failure messages.
 */
final class KernelPeer {
    private static final Path SCRIPT = extractScript();

    private final Process process;
    private final LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final StringBuffer stderr = new StringBuffer();

    private KernelPeer(Process process) {
        this.process = process;
        Thread.ofVirtual().start(() -> pump(process.getInputStream(), null));
        Thread.ofVirtual().start(() -> pump(process.getErrorStream(), stderr));
    }

    /** Starts {@code kernel_peer.py args...} in {@code ns}. */
    static KernelPeer start(Netns ns, String... args) {
        List<String> cmd = new ArrayList<>(List.of("python3", SCRIPT.toString()));
        cmd.addAll(List.of(args));
        return new KernelPeer(ns.start(cmd.toArray(String[]::new)));
    }

    private void pump(InputStream in, StringBuffer sink) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                if (sink != null) {
                    sink.append(line).append('\n');
                } else {
                    lines.add(line);
                }
            }
        } catch (IOException e) {
            // The process ended; what it printed is already queued.
        }
    }

    /** The next line whose "event" is {@code event}, as raw JSON. */
    String await(String event, long timeoutMillis) {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
        try {
            while (true) {
                long left = deadline - System.nanoTime();
                String line = left <= 0 ? null : lines.poll(left, TimeUnit.NANOSECONDS);
                if (line == null) {
                    throw new AssertionError("kernel peer sent no '" + event + "' within " + timeoutMillis + " ms"
                            + (process.isAlive() ? "" : "; it exited with " + process.exitValue()) + "; stderr:\n"
                            + stderr);
                }
                if (line.contains("\"event\": \"" + event + "\"")) {
                    return line;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    boolean waitForExit(long timeoutMillis) throws InterruptedException {
        return process.waitFor(timeoutMillis, TimeUnit.MILLISECONDS);
    }

    String stderr() {
        return stderr.toString();
    }

    static double number(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (-?[0-9.eE+-]+)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no number '" + key + "' in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    static boolean bool(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": (true|false)").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no boolean '" + key + "' in " + json);
        }
        return Boolean.parseBoolean(m.group(1));
    }

    static double[] numbers(String json, String key) {
        Matcher m = Pattern.compile("\"" + key + "\": \\[([^\\]]*)\\]").matcher(json);
        if (!m.find()) {
            throw new AssertionError("no list '" + key + "' in " + json);
        }
        String body = m.group(1).trim();
        if (body.isEmpty()) {
            return new double[0];
        }
        String[] parts = body.split(",\\s*");
        double[] out = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
            out[i] = Double.parseDouble(parts[i]);
        }
        return out;
    }

    private static Path extractScript() {
        try (InputStream in = KernelPeer.class.getResourceAsStream("kernel_peer.py")) {
            if (in == null) {
                throw new IllegalStateException("kernel_peer.py is not on the test classpath");
            }
            Path p = Files.createTempFile("nbstack-kernel-peer", ".py");
            Files.copy(in, p, StandardCopyOption.REPLACE_EXISTING);
            p.toFile().deleteOnExit();
            return p;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
