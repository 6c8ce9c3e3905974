package dev.j4l.cli;

import dev.j4l.drivers.netswitch.PortSpec;
import dev.j4l.drivers.netswitch.SwitchDemo;
import dev.j4l.drivers.netswitch.TapSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** {@code j4l switch}: the userspace learning Ethernet switch over TAP devices. */
final class SwitchCommand implements Main.Command {
    @Override
    public String summary() {
        return "userspace learning Ethernet switch between TAP devices (--demo N: with namespaces)";
    }

    @Override
    public String usage() {
        return """
                usage: j4l switch [OPTIONS] PORT...
                       j4l switch --demo N [OPTIONS]

                Switches Ethernet frames between TAP devices until Ctrl-C. Each PORT is a TAP device name,
                created (and removed on exit) or attached to when it exists as a persistent device;
                NAME@VID makes it an access port of VLAN VID, NAME@trunk a trunk carrying 802.1Q tags.
                The devices may be moved into other network namespaces while the switch runs.

                options:
                  --demo N         create N namespaces j4ldemo1..N, each with a port addressed 10.99.0.i/24,
                                   switch between them and print live counters; Ctrl-C removes everything
                  --no-offload     no checksum/TSO offloads (every packet MTU-sized, checksummed by the kernel)
                  --queues N       TAP queues (worker threads) per port (default 1)
                  --aging SECONDS  MAC aging time (default 300)
                  --stats SECONDS  print counters every SECONDS (default: 2 with --demo, else never)
                """;
    }

    @Override
    public int run(String[] args) throws Exception {
        return UntilStopped.run(stop -> serve(args, System.out, stop));
    }

    /** Runs the switch until {@code stop} opens, then removes what it created. */
    static int serve(String[] args, java.io.PrintStream out, CountDownLatch stop) throws Exception {
        int demo = 0, queues = 1, stats = -1;
        long aging = 300;
        boolean offloads = true;
        List<PortSpec> specs = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--demo" -> demo = intArg(args, ++i, a);
                case "--no-offload" -> offloads = false;
                case "--queues" -> queues = intArg(args, ++i, a);
                case "--aging" -> aging = intArg(args, ++i, a);
                case "--stats" -> stats = intArg(args, ++i, a);
                default -> {
                    if (a.startsWith("-")) throw new IllegalArgumentException("unknown option " + a + " (see --help)");
                    specs.add(PortSpec.parse(a));
                }
            }
        }
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

    private static int intArg(String[] args, int i, String option) {
        if (i >= args.length) throw new IllegalArgumentException(option + " needs a number");
        try {
            return Integer.parseInt(args[i]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + args[i] + "'");
        }
    }
}
