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
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;
import org.nbstack.netbios.server.NetbiosServer;
import org.nbstack.netbios.server.NetbiosServerSettings;
import org.nbstack.smb.auth.Account;
import org.nbstack.smb.auth.Accounts;
import org.nbstack.smb.auth.NtlmV2;
import org.nbstack.smb.server.Protection;
import org.slf4j.LoggerFactory;

/**
 * The file service side by side with Samba ({@code bin/bench smb}): the same directory served by Samba's smbd and by
 * nbstack on the kernel's TCP (nio, epoll) and, with root, on the engine over TUN; Samba's smbclient times {@code get}
 * and {@code put} of a 1 GiB file and {@code ls} of a directory of 5,000 entries, several rounds each. Figures (min,
 * median, max seconds; nbstack's median over Samba's as the ratio) go to {@code target/bench/smb.json}. The cost of
 * protection: {@code get} and {@code put} again logged on as a user with {@code --client-protection=sign} (SMB 3.0.2,
 * AES-128-CMAC signatures) and {@code --client-protection=encrypt} (SMB 3.0.2, AES-128-CCM), figures
 * {@code smb.<target>.get.signed} etc., each over the anonymous unsigned row of its own target as the ratio. A benchmark:
 * nothing here fails on a timing, but every run is checked (sizes, entry count), so a figure is never of a failed run.
 */
public final class SmbBench {

    private static final Path DATA = Path.of("target", "bench-data");
    private static final Path FILE = Path.of("target", "bench", "smb.json");
    private static final int ENTRIES = 5000;
    private static final String PASSWORD = "Bench-0ff!";
    /** smbclient's options for each protected variant; smbclient refuses to go on where the server does not sign or encrypt. */
    private static final Map<String, List<String>> PROTECTED = Map.of(
            "signed", List.of("-U", SambaServer.user() + "%" + PASSWORD, "--client-protection=sign", "-m", "SMB3_02"),
            "encrypted", List.of("-U", SambaServer.user() + "%" + PASSWORD, "--client-protection=encrypt", "-m", "SMB3_02"));

    private static final Accounts ACCOUNTS = name -> Optional.of(SambaServer.user()).filter(user -> Account.key(user).equals(Account.key(name)))
            .map(user -> new Account(user, NtlmV2.ntHash(PASSWORD.toCharArray()), false, false));

    private final long bytes = Long.getLong("bench.bytes", 1L << 30);
    private final int rounds = Integer.getInteger("bench.rounds", 3);
    private final List<String> transports = List.of(System.getProperty("bench.transports", "nio,epoll,engine").split(","));
    private final Path share = DATA.resolve("share");
    private final Path local = DATA.resolve("local");
    private final Map<String, double[]> samba = new LinkedHashMap<>();
    /** The anonymous unsigned medians by target and operation ("nio.get"), the baselines of the protected rows. */
    private final Map<String, Double> unprotected = new LinkedHashMap<>();
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
            String noUser = smbd.addUser(PASSWORD);
            if (noUser == null) {
                measureProtected("samba", "signed", List.of(), smbd.host);
                measureProtected("samba", "encrypted", List.of(), smbd.host);
            } else {
                System.out.println("samba: signed and encrypted rows skipped, " + noUser);
            }
        }
        for (String transport : transports) {
            try (SmbTestServer server = new SmbTestServer(share, false, transport)) {
                measure(transport, server.clientCommand(List.of()), server.host);
            } catch (org.opentest4j.TestAbortedException cannot) {
                System.out.println(transport + ": skipped, " + cannot.getMessage());
                continue;
            }
            // encryption DESIRED only where the client asks for it: under it every session of a user is encrypted
            for (String protection : List.of("signed", "encrypted")) {
                Protection.Encryption encryption = protection.equals("signed") ? Protection.Encryption.OFF : Protection.Encryption.DESIRED;
                try (SmbTestServer server = new SmbTestServer(share, false, transport, NetbiosServer.Framing.NBSS,
                        NetbiosServerSettings.NBSS_PORT, ACCOUNTS, new Protection(Protection.Signing.ENABLED, encryption))) {
                    measureProtected(transport, protection, server.clientCommand(List.of()), server.host);
                }
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

    /** {@code get} and {@code put} logged on as the user, signed or encrypted as {@code protection} says. */
    private void measureProtected(String target, String protection, List<String> prefix, String host) throws Exception {
        Path got = local.resolve("got.bin");
        Path put = share.resolve("put.bin");
        String source = share.resolve("big.bin").toAbsolutePath().toString();
        List<String> options = PROTECTED.get(protection);
        double[] gets = new double[rounds];
        double[] puts = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            gets[round] = timed(prefix, host, options, "get big.bin " + got.toAbsolutePath(), output -> Files.size(got) == bytes);
            Files.delete(got);
            puts[round] = timed(prefix, host, options, "put " + source + " put.bin", output -> Files.size(put) == bytes);
            Files.delete(put);
        }
        record(target, "get", protection, gets);
        record(target, "put", protection, puts);
        System.out.println(target + " " + protection + " done");
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
            record(target, figure.getKey(), null, figure.getValue());
        }
        System.out.println(target + " done");
    }

    private interface Check {
        boolean ok(String output) throws IOException;
    }

    private double timed(List<String> prefix, String host, String commands, Check check) throws Exception {
        return timed(prefix, host, List.of("-N"), commands, check);
    }

    private double timed(List<String> prefix, String host, List<String> options, String commands, Check check) throws Exception {
        long start = System.nanoTime();
        Smbclient.Result r = Smbclient.run(local, prefix, host, 139, "share", options, commands);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (r.exit() != 0 || !check.ok(r.output())) {
            throw new IllegalStateException("smbclient -c '" + commands + "' against " + host + " failed (exit " + r.exit() + "): "
                    + r.output().substring(0, Math.min(2000, r.output().length())));
        }
        return seconds;
    }

    /**
     * One row: {@code protection} null for the anonymous unsigned run, whose baseline is Samba's; else "signed" or
     * "encrypted", whose baseline is the anonymous unsigned run of the same target (the ratio is the cost of protection).
     */
    private void record(String target, String operation, String protection, double[] seconds) {
        double[] sorted = seconds.clone();
        Arrays.sort(sorted);
        double median = sorted[sorted.length / 2];
        Double base = null;
        if (protection != null) {
            base = unprotected.get(target + "." + operation);
        } else {
            unprotected.put(target + "." + operation, median);
            if (target.equals("samba")) {
                samba.put(operation, sorted);
            } else if (samba.containsKey(operation)) {
                base = samba.get(operation)[sorted.length / 2];
            }
        }
        String baseline = base == null ? "null" : String.format(Locale.ROOT, "%.3f", base);
        String ratio = base == null ? "null" : String.format(Locale.ROOT, "%.3f", median / base);
        String size = operation.equals("list_5000") ? "" : String.format(Locale.ROOT, ", \"mb_per_s\": %.1f", bytes / 1e6 / median);
        String name = target + "." + operation + (protection == null ? "" : "." + protection);
        String how = protection == null ? "" : String.format(Locale.ROOT, ", \"protection\": \"%s\", \"baseline_is\": \"smb.%s.%s\"",
                PROTECTED.get(protection).get(2) + " " + String.join(" ", PROTECTED.get(protection).subList(3, 5)), target, operation);
        rows.add(String.format(Locale.ROOT,
                "  {\"name\": \"smb.%s\", \"value\": %.3f, \"unit\": \"s\", \"baseline\": %s, \"ratio\": %s, \"min\": %.3f, \"max\": %.3f%s%s, %s}",
                name, median, baseline, ratio, sorted[0], sorted[sorted.length - 1], size, how, context));
    }

    private static String loopbackAddress() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
    }
}
