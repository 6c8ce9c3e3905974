package dev.j4l.cli;

import dev.j4l.fuse.FuseMount;
import dev.j4l.kernel.FuseIoUringSwitch;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code j4l mount DRIVER [-o OPTS] [-f|-d] ARGS...}: mounts one of the example filesystems and serves it until
 * it is unmounted or the command gets Ctrl-C/SIGTERM (which unmounts it): in the foreground by default, as a
 * daemon with {@code -d} ({@link MountDaemon}). {@link #subcommands} is the one place that knows which drivers
 * can be mounted; {@link MountOptionList} the one that knows the {@code -o} options.
 */
final class MountCommand implements Main.Command {
    /**
     * {@code j4l mount} for one driver ({@code *MountCommand}): parses that driver's arguments and mounts it;
     * {@link MountCommand} serves it until unmounted.
     */
    interface Subcommand {
        String summary();

        String usage();

        /** The driver's own {@code -o} options, each with a value (true) or a flag (false). */
        Map<String, Boolean> options();

        /**
         * Mounts the driver. {@code args} are its own arguments, its {@code -o} options among them as its long
         * options; {@code options} are the {@code -o} options every driver takes, to apply over its own.
         */
        Mounted mount(String[] args, Transport transport, MountOptionList options) throws Exception;
    }

    /** A driver mounted: the mount, and what the message says about it ("memfs mounted at /mnt/m"). */
    record Mounted(FuseMount<?> mount, String what) {}

    /** How requests reach the daemon; chosen with the options every driver takes. */
    enum Transport {
        /** io_uring when the kernel offers it (fuse enable_uring=Y), else /dev/fuse. */
        AUTO,
        /** io_uring, switching the kernel's enable_uring on first if needed (root). */
        IO_URING,
        /** /dev/fuse only. */
        DEV_FUSE;

        static final String USAGE = """
                Options for every driver:
                  --io-uring      serve requests through FUSE-over-io_uring, one queue per CPU (Linux 6.14+),
                                  turning the fuse module's enable_uring on if it is off (root). By
                                  default io_uring is used when enable_uring is already Y.
                  --no-io-uring   serve requests through /dev/fuse only""";

        /** How a mount's requests arrive, for the mount message (with how to get io_uring when it is off). */
        static String describe(dev.j4l.fuse.FuseMount<?> mount) {
            if (mount.usesIoUring()) return "io_uring";
            return "N".equals(FuseIoUringSwitch.value()) ? "/dev/fuse; --io-uring serves them faster through io_uring"
                    : "/dev/fuse";
        }

        /** Whether to ask the kernel for io_uring; for IO_URING, first turns the module parameter on. */
        boolean useRing() {
            if (this == DEV_FUSE) return false;
            if (this == IO_URING && !FuseIoUringSwitch.isOn()) {
                try {
                    FuseIoUringSwitch.set(true);
                    System.err.println("j4l: turned FUSE-over-io_uring on (" + FuseIoUringSwitch.PARAMETER + " = Y)");
                } catch (java.io.IOException e) {
                    System.err.println("j4l: --io-uring: " + e.getMessage() + "; serving /dev/fuse");
                }
            }
            return true;
        }
    }

    /** The mountable drivers, by the name {@code j4l mount} takes. */
    static Map<String, Subcommand> subcommands() {
        Map<String, Subcommand> m = new LinkedHashMap<>();
        m.put("hello", new HelloMountCommand());
        m.put("memfs", new MemFsMountCommand());
        m.put("passthrough", new PassthroughMountCommand());
        m.put("nio", new NioMountCommand());
        return m;
    }

    @Override
    public String summary() {
        return "mount an example filesystem (" + String.join(", ", subcommands().keySet()) + ") until Ctrl-C";
    }

    static final String COMMON_USAGE = """
            Options for every driver:
              -f, --foreground  serve in the foreground until Ctrl-C or umount (the default)
              -d, --daemon      serve in the background: returns once the mount is visible (exit 0) or
                                with the daemon's error and exit status; the daemon logs to --log FILE,
                                by default /var/log/j4l/DRIVER.log (root) or ~/.local/state/j4l/DRIVER.log
            """;

    @Override
    public String usage() {
        StringBuilder b = new StringBuilder("usage: j4l mount DRIVER [-o OPT,...] [-f | -d [--log FILE]] ARGS...\n\n"
                + "Mounts a j4l filesystem and serves it, by default in the foreground: Ctrl-C or umount ends it.\n");
        subcommands().forEach((name, d) -> b.append("\n").append(d.usage().stripTrailing()).append("\n"));
        b.append("\n").append(COMMON_USAGE).append(MountOptionList.USAGE).append("\n")
                .append(Transport.USAGE).append("\n");
        return b.toString();
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("which driver? " + String.join(", ", subcommands().keySet()));
        String driver = args[0];
        Subcommand d = subcommands().get(driver);
        if (d == null) {
            throw new IllegalArgumentException("unknown driver '" + driver + "'; drivers: "
                    + String.join(", ", subcommands().keySet()));
        }
        Transport transport = Transport.AUTO;
        boolean daemon = false;
        String log = null;
        List<String> dashO = new ArrayList<>();
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "--io-uring" -> transport = Transport.IO_URING;
                case "--no-io-uring" -> transport = Transport.DEV_FUSE;
                case "-f", "--foreground" -> daemon = false;
                case "-d", "--daemon" -> daemon = true;
                case "-o", "--log" -> {
                    if (++i >= args.length) throw new IllegalArgumentException(a + " needs a value");
                    if (a.equals("-o")) dashO.add(args[i]);
                    else log = args[i];
                }
                default -> {
                    if (a.startsWith("-o") && a.length() > 2) dashO.add(a.substring(2));
                    else if (a.startsWith("--log=")) log = a.substring("--log=".length());
                    else rest.add(a);
                }
            }
        }
        MountOptionList options = MountOptionList.parse(dashO, d.options());
        rest.addAll(options.driverArgs());
        String[] driverArgs = rest.toArray(String[]::new);
        if (daemon && !MountDaemon.isDaemon()) return MountDaemon.start(driver, args, log);
        Mounted m = d.mount(driverArgs, transport, options);
        try (FuseMount<?> mount = m.mount()) {
            System.err.println("j4l: " + m.what() + " (requests through " + Transport.describe(mount) + "); "
                    + (MountDaemon.isDaemon() ? "umount to stop" : "Ctrl-C or umount to stop"));
            if (MountDaemon.isDaemon()) MountDaemon.ready();
            mount.awaitUnmount();
        }
        return 0;
    }
}
