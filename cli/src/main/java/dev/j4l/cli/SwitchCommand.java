package dev.j4l.cli;

import dev.j4l.drivers.netswitch.PortSpec;
import dev.j4l.drivers.netswitch.SwitchDemo;
import dev.j4l.drivers.netswitch.TapSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code j4l switch}: the userspace learning Ethernet switch over TAP devices. */
@Command(name = "switch", description = {
        "Userspace learning Ethernet switch between TAP devices (--demo N: with namespaces).", "",
        "Switches Ethernet frames between TAP devices until Ctrl-C. Each PORT is a TAP device name, created (and"
                + " removed on exit) or attached to when it exists as a persistent device; NAME@VID makes it an"
                + " access port of VLAN VID, NAME@trunk a trunk carrying 802.1Q tags. The devices may be moved into"
                + " other network namespaces while the switch runs."})
final class SwitchCommand implements Callable<Integer> {
    @Parameters(paramLabel = "PORT", arity = "0..*", description = "a TAP device: NAME, NAME@VID or NAME@trunk")
    List<String> ports = List.of();

    @Option(names = "--demo", paramLabel = "N", description = "create N namespaces j4ldemo1..N, each with a port"
            + " addressed 10.99.0.i/24, switch between them and print live counters; Ctrl-C removes everything")
    int demo;

    @Option(names = "--no-offload", description = "no checksum/TSO offloads (every packet MTU-sized, checksummed by"
            + " the kernel)")
    boolean noOffload;

    @Option(names = "--queues", paramLabel = "N", description = "TAP queues (worker threads) per port (default 1)")
    int queues = 1;

    @Option(names = "--aging", paramLabel = "SECONDS", description = "MAC aging time (default 300)")
    long aging = 300;

    @Option(names = "--stats", paramLabel = "SECONDS",
            description = "print counters every SECONDS (default: 2 with --demo, else never)")
    int stats = -1;

    @Override
    public Integer call() throws Exception {
        return UntilStopped.run(stop -> serve(System.out, stop));
    }

    /** Runs the switch until {@code stop} opens, then removes what it created. */
    int serve(java.io.PrintStream out, CountDownLatch stop) throws Exception {
        List<PortSpec> specs = new ArrayList<>();
        for (String p : ports) specs.add(PortSpec.parse(p));
        boolean offloads = !noOffload;
        int stats = this.stats;
        TapSwitch.Options options = new TapSwitch.Options(offloads, true, queues, aging * 1000);
        AutoCloseable running;
        TapSwitch sw;
        if (demo > 0) {
            if (!specs.isEmpty()) throw new IllegalArgumentException("--demo takes no PORT arguments");
            SwitchDemo d = SwitchDemo.start(demo, "j4ldemo", "10.99.0", options);
            running = d;
            sw = d.switchboard();
            out.println("j4l switch: demo with " + demo + " namespaces; try e.g.");
            out.println("  ip netns exec j4ldemo1 ping 10.99.0.2");
            out.println("  ip netns exec j4ldemo2 iperf3 -s -D; ip netns exec j4ldemo1 iperf3 -c 10.99.0.2");
            if (stats < 0) stats = 2;
        } else {
            if (specs.size() < 2) throw new IllegalArgumentException("need at least two PORTs (see --help)");
            sw = TapSwitch.open(specs, options);
            running = sw;
            out.println("j4l switch: switching between " + specs + " (offloads " + sw.devices().getFirst().offloads() + ")");
        }
        out.println("Ctrl-C stops and removes what the switch created.");
        LiveView counters = out == System.out ? LiveView.onStandardOutput() : new LiveView(out, false);
        try (running) {
            while (!stop.await(stats > 0 ? stats : 3600, java.util.concurrent.TimeUnit.SECONDS)) {
                if (stats > 0) counters.show(sw.report());
            }
        }
        return 0;
    }
}
