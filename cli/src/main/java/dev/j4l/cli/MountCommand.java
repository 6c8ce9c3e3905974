package dev.j4l.cli;

import dev.j4l.kernel.FuseIoUringSwitch;
import java.util.ArrayList;
import java.util.List;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code j4l mount DRIVER ARGS...}: mounts one of the example filesystems and serves it in the foreground
 * until it is unmounted or the command gets Ctrl-C/SIGTERM (which unmounts it). {@link #subcommands} is the
 * one place that knows which drivers can be mounted.
 */
final class MountCommand implements Main.Command {
    /**
     * {@code j4l mount} for one driver ({@code *MountCommand}): parses that driver's arguments, mounts it, and
     * serves until unmounted.
     */
    interface Subcommand {
        String summary();

        String usage();

        int mount(String[] args, Transport transport) throws Exception;
    }

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

    @Override
    public String usage() {
        StringBuilder b = new StringBuilder("usage: j4l mount DRIVER ARGS...\n\n"
                + "Mounts a j4l filesystem and serves it in the foreground; Ctrl-C or umount ends it.\n");
        subcommands().forEach((name, d) -> b.append("\n").append(d.usage().stripTrailing()).append("\n"));
        b.append("\n").append(Transport.USAGE).append("\n");
        return b.toString();
    }

    @Override
    public int run(String[] args) throws Exception {
        if (args.length == 0) throw new IllegalArgumentException("which driver? " + String.join(", ", subcommands().keySet()));
        Subcommand d = subcommands().get(args[0]);
        if (d == null) {
            throw new IllegalArgumentException("unknown driver '" + args[0] + "'; drivers: "
                    + String.join(", ", subcommands().keySet()));
        }
        Transport transport = Transport.AUTO;
        List<String> rest = new ArrayList<>();
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--io-uring" -> transport = Transport.IO_URING;
                case "--no-io-uring" -> transport = Transport.DEV_FUSE;
                default -> rest.add(args[i]);
            }
        }
        return d.mount(rest.toArray(String[]::new), transport);
    }
}
