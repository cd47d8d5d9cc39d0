package org.nbstack.smb.interop;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * The file service side by side with Samba ({@code bin/bench smb}): the same directory served by Samba's smbd and by
 * nbstack on the kernel's TCP (nio, epoll) and, with root, on the engine over TUN; Samba's smbclient times {@code get}
 * and {@code put} of a 1 GiB file and {@code ls} of a directory of 5,000 entries, several rounds each. Figures (min,
 * median, max seconds; nbstack's median over Samba's as the ratio) go to {@code target/bench/smb.json}. A benchmark:
 * nothing here fails on a timing, but every run is checked (sizes, entry count), so a figure is never of a failed run.
 */
public final class SmbBench {

    private static final Path DATA = Path.of("target", "bench-data");
    private static final Path FILE = Path.of("target", "bench", "smb.json");
    private static final int ENTRIES = 5000;

    private final long bytes = Long.getLong("bench.bytes", 1L << 30);
    private final int rounds = Integer.getInteger("bench.rounds", 3);
    private final List<String> transports = List.of(System.getProperty("bench.transports", "nio,epoll,engine").split(","));
    private final Path share = DATA.resolve("share");
    private final Path local = DATA.resolve("local");
    private final Map<String, double[]> samba = new LinkedHashMap<>();
    private final List<String> rows = new ArrayList<>();
    private final String context;

    private SmbBench() throws IOException {
        context = String.format(Locale.ROOT, "\"date\": \"%s\", \"commit\": \"%s\", \"load_average\": \"%s\", \"rounds\": %d, \"file_bytes\": %d",
                Instant.now(), System.getProperty("bench.commit", "unknown"), String.join(" ", Arrays.asList(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3)), rounds, bytes);
    }

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        new SmbBench().run();
    }

    private void run() throws Exception {
        prepare();
        String sambaHost = loopbackAddress();
        Path home = Files.createTempDirectory("nbstack-bench-smbd");
        try (SambaServer smbd = SambaServer.start(home, sambaHost, share.toAbsolutePath())) {
            measure("samba", List.of(), smbd.host);
        }
        for (String transport : transports) {
            try (SmbTestServer server = new SmbTestServer(share, false, transport)) {
                measure(transport, server.clientCommand(List.of()), server.host);
            } catch (org.opentest4j.TestAbortedException cannot) {
                System.out.println(transport + ": skipped, " + cannot.getMessage());
            }
        }
        Files.createDirectories(FILE.getParent());
        Files.writeString(FILE, "[\n" + String.join(",\n", rows) + "\n]\n");
        System.out.println("figures: smb-service/" + FILE);
    }

    /** The served directory: a file of real (not sparse) random bytes and a directory of 5,000 empty files, made once. */
    private void prepare() throws IOException {
        Files.createDirectories(local);
        Path big = Files.createDirectories(share).resolve("big.bin");
        if (!Files.exists(big) || Files.size(big) != bytes) {
            System.out.println("writing " + bytes + " random bytes to " + big);
            SmbclientTest.writeRandom(big, bytes, 1);
        }
        Path many = Files.createDirectories(share.resolve("many"));
        try (Stream<Path> entries = Files.list(many)) {
            if (entries.count() != ENTRIES) {
                for (int i = 0; i < ENTRIES; i++) {
                    Path entry = many.resolve(String.format("entry-%05d.dat", i));
                    if (!Files.exists(entry)) {
                        Files.createFile(entry);
                    }
                }
            }
        }
    }

    private void measure(String target, List<String> prefix, String host) throws Exception {
        Path got = local.resolve("got.bin");
        Path put = share.resolve("put.bin");
        Map<String, double[]> times = new LinkedHashMap<>();
        String source = share.resolve("big.bin").toAbsolutePath().toString();
        times.put("get", new double[rounds]);
        times.put("put", new double[rounds]);
        times.put("list_5000", new double[rounds]);
        for (int round = 0; round < rounds; round++) {
            times.get("get")[round] = timed(prefix, host, "get big.bin " + got.toAbsolutePath(), output -> Files.size(got) == bytes);
            Files.delete(got);
            times.get("put")[round] = timed(prefix, host, "put " + source + " put.bin", output -> Files.size(put) == bytes);
            Files.delete(put);
            times.get("list_5000")[round] = timed(prefix, host, "ls many\\*",
                    output -> output.lines().filter(line -> line.trim().startsWith("entry-")).count() == ENTRIES);
        }
        for (Map.Entry<String, double[]> figure : times.entrySet()) {
            record(target, figure.getKey(), figure.getValue());
        }
        System.out.println(target + " done");
    }

    private interface Check {
        boolean ok(String output) throws IOException;
    }

    private double timed(List<String> prefix, String host, String commands, Check check) throws Exception {
        long start = System.nanoTime();
        Smbclient.Result r = Smbclient.run(local, prefix, host, 139, "share", commands);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (r.exit() != 0 || !check.ok(r.output())) {
            throw new IllegalStateException("smbclient -c '" + commands + "' against " + host + " failed (exit " + r.exit() + "): "
                    + r.output().substring(0, Math.min(2000, r.output().length())));
        }
        return seconds;
    }

    private void record(String target, String operation, double[] seconds) {
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        String baseline = "null";
        String ratio = "null";
        if (target.equals("samba")) {
            samba.put(operation, sorted);
        } else if (samba.containsKey(operation)) {
            double base = samba.get(operation)[sorted.length / 2];
            baseline = String.format(Locale.ROOT, "%.3f", base);
            ratio = String.format(Locale.ROOT, "%.3f", median / base);
        }
        String size = operation.equals("list_5000") ? "" : String.format(Locale.ROOT, ", \"mb_per_s\": %.1f", bytes / 1e6 / median);
        rows.add(String.format(Locale.ROOT,
                "  {\"name\": \"smb.%s.%s\", \"value\": %.3f, \"unit\": \"s\", \"baseline\": %s, \"ratio\": %s, \"min\": %.3f, \"max\": %.3f%s, %s}",
                target, operation, median, baseline, ratio, sorted[0], sorted[sorted.length - 1], size, context));
    }

    private static String loopbackAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
    }
}
