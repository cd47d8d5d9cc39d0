package org.nbstack.tcp.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nbstack.tcp.interop.LinkScenarios;
import org.nbstack.tcp.interop.LinkScenarios.Result;
import org.nbstack.tcp.interop.TransportLinkScenarios;

/**
 * Links against the kernel, in one run (bin/bench links): the engine over TUN talking to the kernel vs
 * kernel to kernel over a veth pair (throughput and 64-byte request/response p50/p99), and engine to
 * engine over the udp link vs a Java program on kernel TCP, both on 127.0.0.1; each engine figure twice:
 * the bare stack on the link (a test driver of its own) and the whole engine transport (Netty channels on
 * its epoll loops, the link read on such a loop). Writes
 * target/bench/links.json: a list of {name, value, unit, baseline, ratio}. Not a test: it never fails on
 * a number. The TUN/veth rows need root and are left out without it.
 */
public final class LinkBenchmark {
    private record Row(String name, double value, String unit, double baseline) {
        String json() {
            return String.format(Locale.ROOT, "{\"name\": \"%s\", \"value\": %.1f, \"unit\": \"%s\", \"baseline\": %.1f,"
                    + " \"ratio\": %.3f}", name, value, unit, baseline, value / baseline);
        }
    }

    private LinkBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long bytes = Long.getLong("bench.bytes", 2L << 30);
        int rounds = Integer.getInteger("bench.rounds", 20_000);
        Path out = Path.of(args.length > 0 ? args[0] : "target/bench/links.json");
        List<Row> rows = new ArrayList<>();
        if (LinkScenarios.namespacesAvailable()) {
            LinkScenarios.tunKernelToEngine(256L << 20); // warm-up: JIT the engine's paths
            Result tun = LinkScenarios.tunKernelToEngine(bytes);
            Result veth = LinkScenarios.vethKernelToKernel(bytes);
            rows.add(new Row("tun_kernel_to_engine_throughput", tun.value(), tun.unit(), veth.value()));
            double[] tunRr = LinkScenarios.tunRequestResponse(rounds);
            double[] vethRr = LinkScenarios.vethRequestResponse(rounds);
            rows.add(new Row("tun_rr64_p50", LinkScenarios.percentile(tunRr, 50), "us",
                    LinkScenarios.percentile(vethRr, 50)));
            rows.add(new Row("tun_rr64_p99", LinkScenarios.percentile(tunRr, 99), "us",
                    LinkScenarios.percentile(vethRr, 99)));
            // The same through the engine transport: Netty channels, the tun link read on the transport's epoll loop.
            TransportLinkScenarios.tunKernelToEngine(256L << 20); // warm-up
            Result netty = TransportLinkScenarios.tunKernelToEngine(bytes);
            rows.add(new Row("transport_tun_kernel_to_engine_throughput", netty.value(), netty.unit(), veth.value()));
            double[] nettyRr = TransportLinkScenarios.tunRequestResponse(rounds);
            rows.add(new Row("transport_tun_rr64_p50", LinkScenarios.percentile(nettyRr, 50), "us",
                    LinkScenarios.percentile(vethRr, 50)));
            rows.add(new Row("transport_tun_rr64_p99", LinkScenarios.percentile(nettyRr, 99), "us",
                    LinkScenarios.percentile(vethRr, 99)));
        } else {
            System.err.println("TUN/veth rows left out: they need root, /dev/net/tun, ip and python3");
        }
        for (int mtu : new int[] {16384, 65507}) {
            LinkScenarios.udpEngineToEngine(256L << 20, mtu); // warm-up
            Result udp = LinkScenarios.udpEngineToEngine(bytes, mtu);
            Result lo = LinkScenarios.kernelLoopback(bytes);
            rows.add(new Row("udp_engine_to_engine_throughput_mtu" + mtu, udp.value(), udp.unit(), lo.value()));
            TransportLinkScenarios.udpEngineToEngine(256L << 20, mtu); // warm-up
            Result netty = TransportLinkScenarios.udpEngineToEngine(bytes, mtu);
            rows.add(new Row("transport_udp_engine_to_engine_throughput_mtu" + mtu, netty.value(), netty.unit(),
                    lo.value()));
        }
        // The udp link's default MTU (1,472: no IP fragmentation on Ethernet), with UDP GSO/GRO and without.
        TransportLinkScenarios.udpEngineToEngine(128L << 20, 1472, true); // warm-up
        Result gso = TransportLinkScenarios.udpEngineToEngine(bytes / 4, 1472, true);
        Result plain = TransportLinkScenarios.udpEngineToEngine(bytes / 4, 1472, false);
        Result lo = LinkScenarios.kernelLoopback(bytes / 4);
        rows.add(new Row("transport_udp_engine_to_engine_throughput_mtu1472_gso", gso.value(), gso.unit(), lo.value()));
        rows.add(new Row("transport_udp_engine_to_engine_throughput_mtu1472_no_gso", plain.value(), plain.unit(),
                lo.value()));
        write(out, rows);
    }

    private static void write(Path out, List<Row> rows) throws IOException {
        Files.createDirectories(out.toAbsolutePath().getParent());
        StringBuilder sb = new StringBuilder("[\n");
        for (int i = 0; i < rows.size(); i++) {
            sb.append("  ").append(rows.get(i).json()).append(i + 1 < rows.size() ? ",\n" : "\n");
        }
        sb.append("]\n");
        Files.writeString(out, sb);
        System.out.print(sb);
    }
}
