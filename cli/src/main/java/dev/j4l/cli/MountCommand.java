package dev.j4l.cli;

import dev.j4l.fuse.FuseMount;
import dev.j4l.kernel.FuseIoUringSwitch;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code j4l mount DRIVER [-o OPTS] [-f|-d] ARGS...}: mounts one of the example filesystems and serves it until
 * it is unmounted or the command gets Ctrl-C/SIGTERM (which unmounts it): in the foreground by default, as a
 * daemon with {@code -d} ({@link MountDaemon}). Its sub-commands are the one place that knows which drivers can
 * be mounted; {@link MountOptionList} the one that knows the {@code -o} options.
 */
@Command(name = "mount", synopsisSubcommandLabel = "DRIVER", description = {
        "Mount an example filesystem and serve it, by default in the foreground: Ctrl-C or umount ends it.", "",
        "j4l mount DRIVER --help tells a driver's arguments and the options every driver takes."},
        subcommands = {HelloMountCommand.class, MemFsMountCommand.class, PassthroughMountCommand.class,
                NioMountCommand.class})
final class MountCommand {
    /** The end of every driver's help: the options every driver takes as -o options. */
    static final String FOOTER = "%n" + MountOptionList.USAGE + "%n%nA driver's own options may also be given as -o"
            + " options: -o size=1G is --size 1G.";

    /**
     * {@code j4l mount} for one driver ({@code *MountCommand}): its own arguments as picocli options and
     * parameters, the options every driver takes here; {@link #call} mounts it and serves it until unmounted.
     */
    abstract static class Driver implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "-o", paramLabel = "OPT[,OPT...]", description = {"mount options as for libfuse"
                + " filesystems (repeatable; see below), the driver's own options among them"})
        List<String> dashO = new ArrayList<>();

        @Option(names = {"-f", "--foreground"}, description = "serve in the foreground until Ctrl-C or umount (the"
                + " default)")
        boolean foreground;

        @Option(names = {"-d", "--daemon"}, description = {"serve in the background: returns once the mount is"
                + " visible (exit 0) or with the daemon's error and exit status; the daemon logs to --log FILE, by"
                + " default /var/log/j4l/DRIVER.log (root) or ~/.local/state/j4l/DRIVER.log"})
        boolean daemon;

        @Option(names = "--log", paramLabel = "FILE", description = "the daemon's log file")
        String log;

        @Option(names = "--io-uring", description = {"serve requests through FUSE-over-io_uring, one queue per CPU"
                + " (Linux 6.14+), turning the fuse module's enable_uring on if it is off (root). By default"
                + " io_uring is used when enable_uring is already Y."})
        boolean ioUring;

        @Option(names = "--no-io-uring", description = "serve requests through /dev/fuse only")
        boolean noIoUring;

        /** The driver's own {@code -o} options, each with a value (true) or a flag (false). */
        abstract Map<String, Boolean> options();

        /** Mounts the driver; {@code options} are the {@code -o} options every driver takes, to apply over its own. */
        abstract Mounted mount(Transport transport, MountOptionList options) throws Exception;

        @Override
        public Integer call() throws Exception {
            List<String> argv = spec.root().commandLine().getParseResult().originalArgs();
            MountOptionList options;
            try {
                options = MountOptionList.parse(dashO, options());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage()); // a usage error, as picocli's
            }
            if (!options.driverArgs().isEmpty()) {
                // -o size=1G is the driver's --size 1G: read its arguments again with those added.
                List<String> own = new ArrayList<>(argv.subList(argv.indexOf(spec.name()) + 1, argv.size()));
                own.addAll(options.driverArgs());
                spec.commandLine().parseArgs(own.toArray(String[]::new));
            }
            if (daemon && !foreground && !MountDaemon.isDaemon()) return MountDaemon.start(spec.name(), argv, log);
            Transport transport = ioUring ? Transport.IO_URING : noIoUring ? Transport.DEV_FUSE : Transport.AUTO;
            Mounted m = mount(transport, options);
            try (FuseMount<?> mount = m.mount()) {
                System.err.println("j4l: " + m.what() + " (requests through " + Transport.describe(mount) + "); "
                        + (MountDaemon.isDaemon() ? "umount to stop" : "Ctrl-C or umount to stop"));
                if (MountDaemon.isDaemon()) MountDaemon.ready();
                mount.awaitUnmount();
            }
            return 0;
        }
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
}
