package dev.j4l.cli;

import dev.j4l.block.BlockDriver;
import dev.j4l.block.loop.LoopTransport;
import dev.j4l.block.nbd.NbdDeviceTransport;
import dev.j4l.block.nbd.NbdServer;
import dev.j4l.block.ublk.UblkTransport;
import dev.j4l.drivers.cow.CowDisk;
import dev.j4l.drivers.faults.FaultInjector;
import dev.j4l.drivers.image.ImageDisk;
import dev.j4l.drivers.ramdisk.RamDisk;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code j4l block}: serves an example block driver until Ctrl-C, and ends a cow overlay (commit, discard).
 * Every served driver goes through {@link #serveDriver}, so the transport and the fault knobs are chosen in one
 * place for all of them.
 */
@Command(name = "block", description = {
        "Serve a block device (ramdisk, image file, cow overlay) as /dev/loopN, /dev/nbdN, /dev/ublkbN or over NBD"
                + " until Ctrl-C.", "",
        "Serves a block device as a loop device and prints its path (/dev/loopN: mkfs, mount, fio...), with"
                + " --nbd-device as a device of the kernel's NBD client and prints its path (/dev/nbdN), with --ublk as"
                + " a ublk device (/dev/ublkbN; kernels with ublk), or with --nbd as the NBD export named after its"
                + " driver and prints its URI (for qemu-img, qemu-io, nbdinfo, nbdcopy, fio's nbd engine). Ctrl-C stops"
                + " serving and detaches the device, unless a file system is still mounted on it: unmount it first."},
        subcommands = {BlockCommand.Ramdisk.class, BlockCommand.Image.class, BlockCommand.Cow.class})
final class BlockCommand extends CommandGroup {
    BlockCommand() {
        this(System.out, null);
    }

    BlockCommand(PrintStream out, CountDownLatch stop) {
        super(out, stop);
    }

    /** Runs {@code j4l block ARGS} in this JVM until {@code stop} (for tests): its exit status. */
    static int serve(String[] args, PrintStream out, CountDownLatch stop) {
        return Main.commandLine(new BlockCommand(out, stop), out, System.err).execute(args);
    }

    /** The options every served driver takes: the transport, and the knobs of {@link FaultInjector}. */
    static final class ServeOptions {
        @Option(names = "--nbd", paramLabel = "unix:PATH|tcp:PORT",
                description = "serve over NBD instead of a loop device (TCP on loopback)")
        String nbd;

        @Option(names = "--nbd-device", description = "serve as /dev/nbdN (the kernel's nbd module) instead of /dev/loopN")
        boolean nbdDevice;

        @Option(names = "--ublk", description = "serve as /dev/ublkbN through the kernel's ublk driver instead")
        boolean ublk;

        @Option(names = "--queues", paramLabel = "N", description = "with --ublk: queues (threads; default 1)")
        Integer queues;

        @Option(names = "--depth", paramLabel = "N", description = "with --ublk: requests in flight per queue (default 64)")
        Integer depth;

        @Option(names = "--latency", paramLabel = "TIME", converter = Units.Time.class,
                description = "delay every request (e.g. 200us, 1ms, 0.5s)")
        Duration latency;

        @Option(names = "--fail-reads", paramLabel = "FRACTION",
                description = "fail this fraction of reads with EIO (0 to 1, e.g. 0.01)")
        Double failReads;

        @Option(names = "--fail-writes", paramLabel = "FRACTION",
                description = "fail this fraction of writes, write-zeroes and discards with EIO")
        Double failWrites;

        @Option(names = "--fail-range", paramLabel = "OFFSET+LENGTH",
                description = "fail every request touching these bytes with EIO (e.g. 1M+64K)")
        String failRange;
    }

    @Command(name = "ramdisk", description = "a sparse RAM disk of SIZE (e.g. 512M, 1G); memory grows with what is"
            + " written")
    static final class Ramdisk extends Subcommand {
        @Option(names = "--size", paramLabel = "SIZE", required = true, converter = Units.Size.class,
                description = "the disk's size")
        long size;

        @Mixin
        ServeOptions serve;

        @Override
        void run(PrintStream out) throws Exception {
            serveDriver(group, new RamDisk((size + 511) / 512 * 512), "ramdisk", serve);
        }
    }

    @Command(name = "image", description = "a raw image file or block device, read and written with O_DIRECT; FLUSH"
            + " is fdatasync, so flushed writes survive the daemon")
    static final class Image extends Subcommand {
        @Parameters(paramLabel = "FILE", description = "the image")
        Path file;

        @Option(names = "--read-only", description = "refuse writes")
        boolean readOnly;

        @Mixin
        ServeOptions serve;

        @Override
        void run(PrintStream out) throws Exception {
            try (ImageDisk disk = ImageDisk.open(file, readOnly)) {
                serveDriver(group, disk, "image", serve);
            }
        }
    }

    @Command(name = "cow", description = {"BASE, opened read-only and never written, overlaid with the delta FILE"
            + " (created when missing): writes go to the delta, reads take the delta's blocks and BASE's.",
            "cow commit and cow discard refuse a delta being served; name a BASE called commit as ./commit."},
            subcommands = {Cow.Commit.class, Cow.Discard.class})
    static final class Cow extends Subcommand {
        @Spec
        CommandSpec spec;

        // Not required for picocli, which would then ask for them before cow commit and cow discard too.
        @Parameters(paramLabel = "BASE", arity = "0..1", description = "the base image (required)")
        Path base;

        @Option(names = "--delta", paramLabel = "FILE", description = "the delta (required)")
        Path delta;

        @Mixin
        ServeOptions serve;

        @Override
        void run(PrintStream out) throws Exception {
            if (base == null || delta == null) {
                throw new ParameterException(spec.commandLine(), "Missing required " + (base == null ? "parameter: 'BASE'"
                        : "option: '--delta FILE'"));
            }
            try (CowDisk disk = CowDisk.open(base, delta)) {
                serveDriver(group, disk, "cow", serve);
            }
        }

        /** cow commit or cow discard: BASE and --delta FILE, both required; prints what it did. */
        abstract static class DeltaAction implements Callable<Integer> {
            @ParentCommand
            Cow cow;

            @Parameters(paramLabel = "BASE", description = "the base image")
            Path base;

            @Option(names = "--delta", paramLabel = "FILE", required = true, description = "the delta")
            Path delta;

            @Override
            public Integer call() throws Exception {
                cow.group.out.println(act());
                return 0;
            }

            /** Does it; what it did, to print. */
            abstract String act() throws IOException;
        }

        @Command(name = "commit", description = "copies the delta into BASE and empties it: the one command that"
                + " writes BASE")
        static final class Commit extends DeltaAction {
            @Override
            String act() throws IOException {
                return "committed " + CowDisk.commit(base, delta) + " bytes of " + delta + " into " + base;
            }
        }

        @Command(name = "discard", description = "empties the delta: the device reads as BASE again")
        static final class Discard extends DeltaAction {
            @Override
            String act() throws IOException {
                return "discarded " + CowDisk.discard(base, delta) + " bytes of " + delta;
            }
        }
    }

    /**
     * Serves {@code driver} until {@code group} stops, with the transport and fault knobs asked for; prints where
     * once serving.
     */
    private static void serveDriver(CommandGroup group, BlockDriver driver, String name, ServeOptions o) throws Exception {
        int transports = (o.nbdDevice ? 1 : 0) + (o.ublk ? 1 : 0) + (o.nbd != null ? 1 : 0);
        if (transports > 1) throw new IllegalArgumentException("--nbd, --nbd-device and --ublk are transports: choose one");
        UblkTransport.Options ublk = null;
        if (o.ublk) {
            UblkTransport.Options d = UblkTransport.Options.defaults();
            ublk = new UblkTransport.Options(o.queues != null ? o.queues : d.queues(),
                    o.depth != null ? o.depth : d.depth(), d.maxIoBytes());
        } else if (o.queues != null || o.depth != null) {
            throw new IllegalArgumentException("--queues and --depth are for --ublk");
        }
        BlockDriver served = withFaults(driver, o);
        UblkTransport.Options ublkOptions = ublk;
        group.serve(until -> {
            try (Served s = o.nbdDevice ? nbdDevice(served) : openTransport(o.nbd, ublkOptions, served, name)) {
                group.out.println(s.address());
                group.out.flush();
                until.await();
            }
        });
    }

    /** A driver being served: where clients find it (an NBD URI) and the transport to close when done. */
    record Served(String address, java.io.Closeable transport) implements java.io.Closeable {
        @Override
        public void close() throws IOException {
            transport.close();
        }
    }

    /**
     * The one place that turns {@code --nbd} (null when not given) and {@code --ublk} ({@code ublk} null when not
     * given) into a serving transport, for every driver: a loop device ({@code /dev/loopN}) by default; a ublk
     * device ({@code /dev/ublkbN}); an NBD export on a Unix socket or a TCP port.
     */
    static Served openTransport(String nbd, UblkTransport.Options ublk, BlockDriver driver, String name) throws IOException {
        if (ublk != null) {
            UblkTransport device = UblkTransport.serve(driver, ublk);
            return blockDevice(device.devicePath(), device::detach,
                    "the kernel stops it when this process exits, then its I/O fails", () -> {});
        }
        if (nbd == null) {
            LoopTransport loop = LoopTransport.attach(driver);
            return blockDevice(loop.devicePath(), loop::detach,
                    "its I/O fails from now on, and the kernel frees it once it is unmounted", loop::close);
        }
        NbdServer server;
        if (nbd.startsWith("unix:")) {
            server = NbdServer.unix(driver, Path.of(nbd.substring(5)), name);
        } else if (nbd.startsWith("tcp:")) {
            int port;
            try {
                port = Integer.parseInt(nbd.substring(4));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--nbd tcp:PORT needs a port number, got '" + nbd + "'");
            }
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port out of range: " + port);
            server = NbdServer.tcp(driver, new InetSocketAddress(InetAddress.getLoopbackAddress(), port), name);
        } else {
            throw new IllegalArgumentException("--nbd takes unix:PATH or tcp:PORT, got '" + nbd + "'");
        }
        return new Served(server.uri(), server::close);
    }

    /** {@code driver} as {@code /dev/nbdN}; closing it disconnects the device unless it is mounted. */
    static Served nbdDevice(BlockDriver driver) throws IOException {
        NbdDeviceTransport nbd = NbdDeviceTransport.attach(driver);
        return blockDevice(nbd.devicePath(), nbd::detach, "its I/O fails once this process exits", nbd::close);
    }

    /**
     * A block device served at {@code path}: closing it runs {@code detach}; when that fails (a file system is still
     * mounted on it), says so on stderr with {@code whatFollows} and lets the transport go with {@code letGo}.
     */
    private static Served blockDevice(String path, java.io.Closeable detach, String whatFollows, java.io.Closeable letGo) {
        return new Served(path, () -> {
            try {
                detach.close();
            } catch (IOException inUse) {
                System.err.println("j4l: " + inUse.getMessage() + "; " + whatFollows);
                letGo.close();
            }
        });
    }

    /** {@code driver} behind a {@link FaultInjector} when any fault option was given, else as it is. */
    private static BlockDriver withFaults(BlockDriver driver, ServeOptions o) {
        if (o.latency == null && o.failReads == null && o.failWrites == null && o.failRange == null) return driver;
        FaultInjector faults = new FaultInjector(driver);
        if (o.latency != null) faults.latency(o.latency);
        if (o.failReads != null) faults.failReads(fraction("--fail-reads", o.failReads));
        if (o.failWrites != null) faults.failWrites(fraction("--fail-writes", o.failWrites));
        if (o.failRange != null) {
            int plus = o.failRange.indexOf('+');
            if (plus < 0) {
                throw new IllegalArgumentException("--fail-range takes OFFSET+LENGTH, e.g. 1M+64K, got '" + o.failRange + "'");
            }
            String offset = o.failRange.substring(0, plus);
            faults.failRange(offset.equals("0") ? 0 : MemFsMountCommand.parseSize(offset),
                    MemFsMountCommand.parseSize(o.failRange.substring(plus + 1)));
        }
        return faults;
    }

    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|ms|s)");

    static Duration parseDuration(String s) {
        Matcher m = DURATION.matcher(s.trim());
        if (!m.matches()) throw new IllegalArgumentException("bad time '" + s + "': use e.g. 200us, 1ms or 0.5s");
        double nanosPerUnit = switch (m.group(2)) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            default -> 1e9;
        };
        return Duration.ofNanos(Math.round(Double.parseDouble(m.group(1)) * nanosPerUnit));
    }

    private static double fraction(String option, double f) {
        if (f >= 0 && f <= 1) return f;
        throw new IllegalArgumentException(option + " takes a fraction from 0 to 1, got '" + f + "'");
    }
}
