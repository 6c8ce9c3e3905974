package dev.j4l.drivers.netswitch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.j4l.kernel.net.NetNamespace;
import dev.j4l.kernel.net.RtNetlink;
import dev.j4l.kernel.net.TunDevice;
import dev.j4l.net.PortCounters;
import dev.j4l.testkit.Needs;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The switch against the real kernel: namespaces (named j4lt...) with TAP ports, always removed. */
class SwitchTest {
    private static final TapSwitch.Options OFFLOADS = TapSwitch.Options.DEFAULT;
    private static final TapSwitch.Options PLAIN = new TapSwitch.Options(false, false, 1, 300_000);

    @BeforeEach
    void needsNetworkNamespaces() {
        Needs.networkNamespaces();
    }

    static String prefix() {
        return "j4lt" + String.format("%04x", ThreadLocalRandom.current().nextInt(0x10000));
    }

    static String run(NetNamespace ns, String... cmd) throws Exception {
        Process p = ns.command(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
        if (p.exitValue() != 0) throw new AssertionError(String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }

    static int exitOf(NetNamespace ns, String... cmd) throws Exception {
        Process p = ns.command(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        return p.waitFor();
    }

    @Test
    void pingsAllPairs() throws Exception {
        try (SwitchDemo d = SwitchDemo.start(3, prefix(), "10.91.0", OFFLOADS)) {
            for (int i = 0; i < 3; i++) {
                for (int j = 0; j < 3; j++) {
                    if (i != j) run(d.namespaces().get(i), "ping", "-c", "2", "-i", "0.2", "-W", "2", d.address(j));
                }
            }
            // IPv6 too: neighbour discovery runs on multicast, which the switch floods.
            for (int i = 0; i < 3; i++) {
                try (RtNetlink nl = d.namespaces().get(i).call(RtNetlink::open)) {
                    nl.addAddress(d.switchboard().specs().get(i).name(), InetAddress.getByName("fd00:91::" + (i + 1)), 64);
                }
            }
            run(d.namespaces().get(0), "ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", "fd00:91::3");
            run(d.namespaces().get(2), "ping", "-6", "-c", "2", "-i", "0.2", "-W", "2", "fd00:91::2");
            assertEquals(0, d.switchboard().engine().handlerErrors());
        }
    }

    @Test
    void tcpAndUdpWithIperf3() throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/iperf3")), "iperf3 not installed (.ci/install-deps)");
        try (SwitchDemo d = SwitchDemo.start(2, prefix(), "10.91.1", OFFLOADS)) {
            NetNamespace a = d.namespaces().get(0), b = d.namespaces().get(1);
            Process server = b.command("iperf3", "-s", "-p", "5299").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                waitForListener(b, 5299);
                String tcp = run(a, "iperf3", "-c", d.address(1), "-p", "5299", "-t", "2", "-J");
                double tcpBps = receivedBitsPerSecond(tcp);
                assertTrue(tcpBps > 10e6, "TCP through the switch: " + tcpBps + " bit/s");
                String udp = run(a, "iperf3", "-c", d.address(1), "-p", "5299", "-u", "-b", "50M", "-t", "2", "-J");
                assertTrue(receivedBitsPerSecond(udp) > 1e6, udp);
                // TCP super-packets crossed whole: far fewer frames than MTU-sized packets would need.
                PortCounters in = d.switchboard().ports().get(0).counters();
                assertTrue(in.rxBytes() / Math.max(1, in.rxPackets()) > 1500,
                        "expected GSO super-packets, average frame " + in.rxBytes() / Math.max(1, in.rxPackets()));
            } finally {
                server.destroy();
                server.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Waits until a TCP socket listens on {@code port} in {@code ns}, asking ss rather than connecting: iperf3's
     * server takes any connection as a test client, and one made only to probe it makes the next client's
     * connection reset while the server recovers.
     */
    private static void waitForListener(NetNamespace ns, int port) throws Exception {
        for (int i = 0; i < 100; i++) {
            if (!run(ns, "ss", "-Hltn", "sport = :" + port).isBlank()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("nothing listens on port " + port);
    }

    private static double receivedBitsPerSecond(String json) {
        Matcher m = Pattern.compile("\"sum_received\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.e+]+)").matcher(json);
        if (!m.find()) {
            m = Pattern.compile("\"sum\"\\s*:\\s*\\{[^}]*\"bits_per_second\"\\s*:\\s*([0-9.e+]+)").matcher(json);
            if (!m.find()) throw new AssertionError("no throughput in iperf3 output:\n" + json);
        }
        return Double.parseDouble(m.group(1));
    }

    /**
     * Port 3 has no virtio-net header at all, so the TCP super-packets from ports 1 and 2 must be segmented
     * and checksummed in user space, and its MTU-sized segments to port 1 are merged into super-packets
     * (GRO); the receiving kernel checks every checksum, and the file's hash must match.
     */
    @Test
    void fileTransfersKeepTheirChecksumAcrossOffloadAndPlainPorts() throws Exception {
        try (SwitchDemo d = SwitchDemo.start(List.of(OFFLOADS, OFFLOADS, PLAIN), prefix(), "10.91.2")) {
            byte[] data = new byte[24 << 20];
            new Random(42).nextBytes(data);
            String expected = sha256(data);
            assertEquals(expected, transfer(d, 0, 2, data), "offload port -> plain port");
            assertEquals(expected, transfer(d, 2, 0, data), "plain port -> offload port");
            assertEquals(expected, transfer(d, 0, 1, data), "offload port -> offload port");
            PortCounters plain = d.switchboard().ports().get(2).counters();
            assertTrue(plain.segmented() > 0, "no user-space segmentation happened: " + plain);
            PortCounters fast = d.switchboard().ports().get(1).counters();
            assertEquals(0, fast.segmented(), "super-packets to an offload port must pass whole: " + fast);
            PortCounters merged = d.switchboard().ports().get(0).counters();
            assertTrue(merged.coalesced() > 0, "segments from the plain port were not merged (GRO): " + merged);
        }
    }

    private static String transfer(SwitchDemo d, int from, int to, byte[] data) throws Exception {
        NetNamespace src = d.namespaces().get(from), dst = d.namespaces().get(to);
        String host = d.address(to);
        try (ServerSocket server = dst.call(() -> new ServerSocket(5300, 1, InetAddress.getByName(host)))) {
            CompletableFuture<String> received = CompletableFuture.supplyAsync(() -> {
                try (Socket s = server.accept(); InputStream in = s.getInputStream()) {
                    MessageDigest md = MessageDigest.getInstance("SHA-256");
                    byte[] buf = new byte[1 << 16];
                    for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
                    return HexFormat.of().formatHex(md.digest());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            src.run(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(host, 5300), 5000);
                    OutputStream out = s.getOutputStream();
                    out.write(data);
                    out.flush();
                    s.shutdownOutput();
                    s.getInputStream().read();
                }
            });
            return received.get(60, TimeUnit.SECONDS);
        }
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void learnedDestinationsAreNoLongerFlooded() throws Exception {
        try (SwitchDemo d = SwitchDemo.start(3, prefix(), "10.91.3", OFFLOADS.withAging(1000))) {
            NetNamespace a = d.namespaces().get(0);
            LearningSwitch sw = d.switchboard().logic();
            // IPv6 neighbour discovery and MLD chatter would keep refreshing the MACs; keep the wire quiet.
            for (NetNamespace ns : d.namespaces()) run(ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1");
            run(a, "ping", "-c", "1", "-W", "2", d.address(1));
            // Let the switch forget both MACs while the namespaces' ARP caches still know them: the next echo
            // request goes to a MAC the switch does not know and is flooded. (Retried: a stray frame from the
            // destination in the quiet period would re-teach the switch.)
            boolean flooded = false;
            long afterUnknown = 0;
            for (int attempt = 0; attempt < 5 && !flooded; attempt++) {
                Thread.sleep(1600);
                long before = sw.floodedUnicast(2);
                run(a, "ping", "-c", "1", "-W", "2", d.address(1));
                afterUnknown = sw.floodedUnicast(2);
                flooded = afterUnknown > before;
            }
            assertTrue(flooded, "an unknown destination must be flooded to port 3");
            run(a, "ping", "-c", "4", "-i", "0.2", "-W", "2", d.address(1));
            assertEquals(afterUnknown, sw.floodedUnicast(2), "port 3 still gets unicast for a learned MAC");
            assertTrue(sw.learned() >= 2);
        }
    }

    @Test
    void aThrowingDriverDropsTheFrameAndSwitchingGoesOn() throws Exception {
        try (SwitchDemo d = SwitchDemo.start(2, prefix(), "10.91.4", OFFLOADS)) {
            NetNamespace a = d.namespaces().get(0);
            // 1000 bytes of ICMP data: an Ethernet frame of 14 + 20 + 8 + 1000 bytes.
            d.switchboard().logic().setIngressFilter(frame -> {
                if (frame.length() == 1042) throw new IllegalStateException("test fault on a 1042-byte frame");
                return true;
            });
            assertNotEquals(0, exitOf(a, "ping", "-c", "2", "-i", "0.2", "-W", "1", "-s", "1000", d.address(1)));
            run(a, "ping", "-c", "2", "-i", "0.2", "-W", "2", d.address(1));
            assertTrue(d.switchboard().engine().handlerErrors() >= 2);
            assertTrue(d.switchboard().ports().get(0).counters().dropped() >= 2);
        }
    }

    @Test
    void attachesToExistingPersistentTapsAndLeavesThem() throws Exception {
        String p = prefix();
        NetNamespace ns = NetNamespace.create(p);
        try {
            ns.run(() -> {
                for (String n : List.of(p + "x", p + "y")) {
                    try (TunDevice t = TunDevice.builder(n).vnetHeader(true).persistent(true).open()) {
                        assertTrue(t.persistent());
                    }
                }
                try (TapSwitch sw = TapSwitch.open(List.of(PortSpec.parse(p + "x"), PortSpec.parse(p + "y")),
                        OFFLOADS); RtNetlink nl = RtNetlink.open()) {
                    assertTrue(nl.link(p + "x").orElseThrow().up());
                    assertEquals(2, sw.ports().size());
                    assertTrue(sw.devices().getFirst().persistent());
                }
                try (RtNetlink nl = RtNetlink.open()) {
                    assertTrue(nl.link(p + "x").isPresent(), "an attached persistent device must stay");
                    nl.deleteLink(p + "x");
                    nl.deleteLink(p + "y");
                }
            });
        } finally {
            ns.delete();
        }
    }

    @Test
    void portSpecsParse() {
        assertEquals(new PortSpec("tap0", 0, false), PortSpec.parse("tap0"));
        assertEquals(new PortSpec("tap0", 10, false), PortSpec.parse("tap0@10"));
        assertEquals(new PortSpec("tap0", 0, true), PortSpec.parse("tap0@trunk"));
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PortSpec.parse("tap0@x"));
        assertTrue(e.getMessage().contains("tap0@x"));
    }
}
